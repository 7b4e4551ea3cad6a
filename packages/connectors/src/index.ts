export * from './registry';
export { signWhatsAppBody } from './whatsapp-cloud/verify';
