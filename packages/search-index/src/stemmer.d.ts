/** stemmer 1.x (CommonJS, no types of its own): the Porter stemmer, one word in, its stem out. */
declare module 'stemmer' {
  function stemmer(value: string): string;
  export = stemmer;
}
