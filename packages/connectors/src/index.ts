export * from './registry';
export * from './instances';
export { signWhatsAppBody } from './whatsapp-cloud/verify';
export * from './config-tables';
