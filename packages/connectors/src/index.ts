export * from './registry';
export { signWhatsAppBody } from './whatsapp-cloud/verify';
export * from './config-tables';
