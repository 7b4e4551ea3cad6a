export { renderTranscript, type TranscriptOptions, type TranscriptSummary } from './transcript';
