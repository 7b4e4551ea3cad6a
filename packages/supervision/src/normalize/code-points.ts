/** The string of codePoints[from, to), one code point at a time: a hostile input can make one token a million code points long, too many for one fromCodePoint(...spread) call. */
export function fromCodePoints(codePoints: ArrayLike<number>, from = 0, to = codePoints.length): string {
  let text = '';
  for (let at = from; at < to; at++) {
    const cp = codePoints[at];
    text += cp < 0x10000 ? String.fromCharCode(cp) : String.fromCodePoint(cp);
  }
  return text;
}
