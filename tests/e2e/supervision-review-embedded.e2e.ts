import { supervisionReviewSuite } from './supervision-review-suite';

describe('supervision review (embedded)', () => supervisionReviewSuite('embedded'));
