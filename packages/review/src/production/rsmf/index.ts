export { renderRsmf, type RsmfSummary } from './render';
export {
  rsmfManifest,
  type RsmfManifest,
  type RsmfParticipant,
  type RsmfConversation,
  type RsmfEvent,
  type RsmfAttachment,
  type RsmfCustom,
  type RsmfFile,
} from './manifest';
export { validateManifest } from './validate';
