import { supervisionReviewSuite } from './supervision-review-suite';

/** The same review journey on real Kafka, MinIO with Object Lock and OpenSearch. */
describe('supervision review (stack)', () => supervisionReviewSuite('stack'));
