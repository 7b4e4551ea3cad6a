import { RejectedInputError } from '@custody/errors';

/**
 * A match expression that cannot be compiled. `position` is the UTF-16 offset in the expression of
 * what is wrong (the console puts the caret there); the message counts characters from 1, as people do.
 */
export class ExpressionError extends RejectedInputError {
  readonly reason: string;
  readonly position: number | undefined;
  constructor(reason: string, position?: number) {
    super('policy_expression_invalid', position === undefined ? reason : `${reason} (character ${position + 1})`);
    this.reason = reason;
    this.position = position;
  }
}
