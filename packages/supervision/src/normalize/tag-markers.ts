/**
 * The words that mark text as not the writer's own, per language (en, es, fr, zh-Hans, zh-Hant, ja).
 * Reply headers and field names are compared with ASCII letters lower-cased and trimmed; disclaimer
 * phrases are compared as normalized tokens, so case, full-width forms and line breaks inside a
 * phrase do not matter. Adding a marker changes output: bump NORMALIZER_VERSION.
 */

/** The end of an "On <date>, <name> wrote:" line; the line (or the one before it, when the client wrapped it) must hold a digit of the date. */
export const WROTE_ENDINGS = [
  'wrote:',
  'escribió:',
  'a écrit :',
  'a écrit:',
  'a écrit\u00a0:',
  '写道：',
  '写道:',
  '寫道：',
  '寫道:',
  '書きました：',
  '書きました:',
];

/** A separator line before a quoted or forwarded message, once dashes, underscores, equals signs and asterisks are stripped. */
export const ORIGINAL_MESSAGE_LINES = new Set([
  'original message',
  'forwarded message',
  'begin forwarded message:',
  'mensaje original',
  'mensaje reenviado',
  "message d'origine",
  'message original',
  'message transféré',
  '原始邮件',
  '转发邮件',
  '原始郵件',
  '轉寄郵件',
  '元のメッセージ',
  '転送メッセージ',
]);

/** An Outlook-style header block: a sender field followed within three lines by a date field. */
export const SENDER_FIELDS = ['from:', 'de:', 'de :', '发件人:', '发件人：', '寄件者:', '寄件者：', '差出人:', '差出人：'];
export const DATE_FIELDS = [
  'sent:',
  'date:',
  'enviado:',
  'enviado el:',
  'fecha:',
  'envoyé :',
  'envoyé:',
  'date :',
  '发送时间:',
  '发送时间：',
  '日期:',
  '日期：',
  '寄件日期:',
  '寄件日期：',
  '送信日時:',
  '送信日時：',
];

/** A short line a mail client appends ("Sent from my iPhone"); only lines of at most MOBILE_SIGNATURE_MAX_LENGTH count. */
export const MOBILE_SIGNATURE_PREFIXES = [
  'sent from my ',
  'sent from outlook',
  'sent from mail for ',
  'sent from yahoo mail',
  'get outlook for ',
  'enviado desde mi ',
  'enviado desde outlook',
  'envoyé de mon ',
  'envoyé depuis mon ',
  'envoyé à partir de outlook',
  '发自我的',
  '从我的',
  '從我的',
  '寄自我的',
  'iphoneから送信',
  'ipadから送信',
  'androidから送信',
];
export const MOBILE_SIGNATURE_MAX_LENGTH = 80;

/** A paragraph containing one of these is a disclaimer. Chosen to be specific: "本邮件" alone would tag "本邮件附上报价". */
export const DISCLAIMER_PHRASES = [
  // English
  'this message is confidential',
  'this email is confidential',
  'this e-mail is confidential',
  'intended only for',
  'intended solely for',
  'not an offer',
  'does not constitute an offer',
  'not a solicitation',
  'past performance',
  'this e-mail and any attachments',
  'this email and any attachments',
  'this message and any attachments',
  'if you are not the intended recipient',
  'for informational purposes only',
  'confidentiality notice',
  // Spanish
  'este mensaje es confidencial',
  'este correo es confidencial',
  'este correo electrónico y sus anexos',
  'este mensaje y sus anexos',
  'si usted no es el destinatario',
  'dirigido exclusivamente a',
  'destinado exclusivamente a',
  'rentabilidades pasadas',
  'no constituye una oferta',
  'aviso de confidencialidad',
  // French
  'ce message est confidentiel',
  'ce courriel est confidentiel',
  'ce message et ses pièces jointes',
  'ce courriel et ses pièces jointes',
  "si vous n'êtes pas le destinataire",
  'destiné exclusivement',
  "à l'usage exclusif",
  'les performances passées',
  'ne constitue pas une offre',
  'avis de confidentialité',
  // Simplified Chinese
  '本邮件及其附件',
  '本邮件所含信息',
  '如果您不是指定收件人',
  '如果您并非指定收件人',
  '仅供指定收件人',
  '过往业绩',
  '过往表现',
  '不构成要约',
  '不构成任何要约',
  '免责声明',
  // Traditional Chinese
  '本郵件及其附件',
  '本電子郵件及其附件',
  '如閣下並非指定收件人',
  '過往業績',
  '過往表現',
  '不構成要約',
  '不構成任何要約',
  '免責聲明',
  // Japanese
  '本メールは機密',
  'このメールは機密',
  '本メールおよび添付ファイル',
  'このメールおよび添付ファイル',
  '宛先以外の方',
  '誤って受信された場合',
  '過去の実績',
  '過去の運用実績',
  '勧誘を目的としたものではありません',
  '免責事項',
];
