import type { Expression, ProximityNode } from '../expression/ast';
import { Pairing, intersect, sortedUnique, union, type Occurrence } from './occurrences';
import { sequenceKey, type ZoneIndex } from './zone-index';

/**
 * One expression over one zone as one rule sees it: `visible` says which tokens it may match (not
 * tagged unless the rule says so, not hidden by an exclusion). Results are kept per node so the
 * evidence pass can walk back down the tree.
 */
export class Evaluation {
  private readonly results = new Map<Expression, readonly Occurrence[]>();
  private readonly sequences = new Map<string, readonly Occurrence[]>();
  private readonly pairings = new Map<ProximityNode, Pairing>();
  private readonly marked = new Set<readonly Occurrence[]>();

  /** `visible` undefined: every token is (the common case, which then shares the index's lists without copying them). */
  constructor(
    private readonly index: ZoneIndex,
    private readonly visible: ((token: number) => boolean) | undefined,
  ) {}

  /**
   * Where the expression matches. AND and NOT look at the whole zone (A AND NOT B: A occurs and B
   * does not); an AND's occurrences are its positive operands'; a proximity operator's are the
   * occurrences of its operands that have a partner.
   */
  occurrences(node: Expression): readonly Occurrence[] {
    let found = this.results.get(node);
    if (!found) {
      found = this.compute(node);
      this.results.set(node, found);
    }
    return found;
  }

  private compute(node: Expression): readonly Occurrence[] {
    switch (node.kind) {
      case 'sequence': {
        const key = sequenceKey(node);
        let found = this.sequences.get(key);
        if (!found) {
          const all = this.index.occurrencesOf(node);
          const visible = this.visible;
          found = visible ? all.filter((o) => this.allVisible(o, visible)) : all;
          this.sequences.set(key, found);
        }
        return found;
      }
      case 'or':
        return union(node.operands.map((operand) => this.occurrences(operand)));
      case 'and': {
        const operands: Array<readonly Occurrence[]> = [];
        for (const operand of node.operands) {
          const found = this.occurrences(operand);
          if (found.length === 0) return [];
          operands.push(found);
        }
        return node.absent.some((operand) => this.occurrences(operand).length > 0) ? [] : union(operands);
      }
      case 'proximity': {
        const left = this.occurrences(node.left);
        if (left.length === 0) return [];
        const pairing = new Pairing(left, this.occurrences(node.right), node.distance, node.ordered);
        this.pairings.set(node, pairing);
        return pairing.paired();
      }
    }
  }

  /**
   * Marks the tokens that make `selected` (occurrences of `node`) count: their own, and down the tree
   * the nearest partner that paired each one, so the hit of (guarantee NEAR/2 returns) NEAR/3 today
   * shows "guarantee" even when only "returns" is near "today".
   */
  markEvidence(node: Expression, selected: readonly Occurrence[], marks: Uint8Array): void {
    if (selected.length === 0) return;
    // `selected` is always a subset of the node's occurrences: the same length means all of them, and
    // all of them select all of each operand's (an OR, an AND) or all paired ones (a proximity operator)
    const everything = selected.length === this.occurrences(node).length;
    switch (node.kind) {
      case 'sequence':
        if (this.marked.has(selected)) return; // the same term's list, marked already through another operand
        this.marked.add(selected);
        for (const o of selected) for (let i = o.first; i <= o.last; i++) marks[i] = 1;
        return;
      case 'or':
      case 'and':
        for (const operand of node.operands) {
          const found = this.occurrences(operand);
          this.markEvidence(operand, everything ? found : intersect(selected, found), marks);
        }
        return;
      case 'proximity': {
        const pairing = this.pairings.get(node) as Pairing;
        if (everything) {
          this.markEvidence(node.left, pairing.pairedLeft, marks);
          this.markEvidence(node.right, pairing.pairedRight, marks);
          return;
        }
        const fromLeft = intersect(selected, pairing.left);
        const fromRight = intersect(selected, pairing.right);
        const partners = (list: readonly Occurrence[], partnerOf: (o: Occurrence) => Occurrence | undefined) =>
          sortedUnique(list.flatMap((o) => partnerOf(o) ?? []));
        this.markEvidence(node.left, union([fromLeft, partners(fromRight, (o) => pairing.partnerOfRight(o))]), marks);
        this.markEvidence(node.right, union([fromRight, partners(fromLeft, (o) => pairing.partnerOfLeft(o))]), marks);
      }
    }
  }

  private allVisible(o: Occurrence, visible: (token: number) => boolean): boolean {
    for (let i = o.first; i <= o.last; i++) if (!visible(i)) return false;
    return true;
  }
}
