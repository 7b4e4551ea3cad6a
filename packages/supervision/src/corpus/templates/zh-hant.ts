import type { LanguageTemplates } from './types';

/** Traditional Chinese: Taiwan (LINE, 賴) and Hong Kong (WhatsApp, Cantonese particles). */
export const ZH_HANT: LanguageTemplates = {
  channels: ['whatsapp', 'whatsapp', 'line', 'line', 'line', 'wecom', 'telegram', 'signal', 'sms', 'email'],
  slots: {
    name: ['陳先生', '林小姐', '黃生', '張經理', '李太'],
    ticker: ['台積電', '騰訊', '匯豐', '鴻海', '聯發科'],
    pct: ['8%', '12%', '15%', '20%', '7.5%'],
    day: ['明天', '星期五', '下星期一', '月底', '後天'],
    time: ['下午三點', '上午十點', '晚上八點'],
    amount: ['五萬', '20萬', '100萬', '三千蚊'],
    company: ['華遠科技', '東方能源', '新宇生技', '恆通物流'],
    month: ['一月', '三月', '六月', '九月'],
  },
  subjects: ['跟進', '季度檢討', '關於您的帳戶', '請簽署確認', '下週會議'],
  positives: {
    guarantees: [
      {
        rules: ['guarantee-zh-hant'],
        texts: [
          '我們⟦保證⟧年化⟦回報⟧{pct}',
          '這檔基金⟦無風險⟧，穩穩的',
          '放心啦，⟦guarantee-zh-hans|保本⟧又⟦穩賺⟧',
          '⟦保證賺⟧錢，不然我賠你',
          '⟦只賺不賠⟧的投資，錯過可惜',
          '⟦零風險⟧，⟦穩賺⟧{pct}',
          '我⟦承諾⟧您的⟦本金⟧不會少一分',
          '⟦包賺⟧㗎，唔使驚',
          '呢隻產品⟦實賺⟧冇蝕',
          '{name}，年息{pct}，⟦確保⟧⟦收益⟧',
          '⟦穩賺⟧唔賠',
          '⟦虧了算我的⟧',
        ],
      },
    ],
    complaints: [
      {
        rules: ['complaint-zh-hant'],
        texts: [
          '我要⟦投訴⟧你們',
          '你們⟦complaint-zh-hans|擅自⟧幫我交易',
          '⟦未經授權⟧的交易，我要⟦申訴⟧',
          '再不⟦退錢⟧我就發⟦律師信⟧',
          '你們根本是⟦騙子⟧',
          '我會向⟦金管會舉報⟧',
          '服務太差 ⟦complaint-emoji|👎👎⟧',
          '我要⟦投訴⟧你哋',
          '損失咁多，要求⟦索賠⟧',
          '我準備⟦起訴⟧你們',
          '我要⟦維權⟧',
          '我要⟦投訴⟧到底',
        ],
      },
    ],
    'off-channel': [
      {
        rules: ['personal-channel-zh-hant'],
        texts: [
          '⟦personal-channel-zh-hans|加我 LINE⟧，這裡不方便',
          '打我⟦私人手機⟧',
          '我們⟦線下聊⟧',
          '有些事⟦電話裡說⟧比較方便',
          '用我的⟦私人電話⟧聯絡',
          '⟦personal-channel-zh-hans|加我whatsapp⟧再講',
          '⟦加我賴⟧，細節私下講',
          '⟦個人手機⟧號碼我傳給你',
          '⟦personal-channel-zh-hans|WhatsApp我⟧',
        ],
      },
      { rules: ['disappearing-messages'], texts: ['記得開⟦閱後即焚⟧', '我開咗⟦閱後即焚⟧'] },
      { rules: ['delete-this', 'destroy-records-zh-hant'], texts: ['看完請⟦刪除這⟧則⟦訊息⟧'] },
    ],
    'evidence-destruction': [
      {
        rules: ['destroy-records-zh-hant'],
        texts: [
          '請把⟦這⟧些⟦郵件刪除⟧',
          '⟦銷毀⟧所有⟦證據⟧',
          '⟦不要留⟧任何⟦書面⟧紀錄',
          '⟦看完就刪⟧',
          '這件事⟦別寫下來⟧',
          '把⟦destroy-records-zh-hans,destroy-records-zh-hant|聊天⟧⟦紀錄⟧⟦destroy-records-zh-hans,destroy-records-zh-hant|清空⟧',
          '⟦destroy-records-zh-hans|粉碎⟧那批舊⟦destroy-records-zh-hans|文件⟧',
          '記得⟦刪咗⟧啲⟦訊息⟧',
          '⟦刪晒⟧啲⟦記錄⟧',
        ],
      },
    ],
    'gifts-entertainment': [
      {
        rules: ['gifts-zh-hant'],
        texts: [
          '送您一份⟦禮物⟧',
          '新年快樂！一封⟦利是⟧小小心意',
          '今晚⟦我請客⟧',
          '兩張⟦演唱會門票⟧送您',
          '週末約您打⟦高爾夫⟧',
          '⟦禮券⟧一份，小小心意',
          '⟦請您吃飯⟧，順便聊聊',
          '這次旅遊⟦費用全包⟧',
          '送你兩張⟦演唱會⟧飛',
        ],
      },
    ],
    mnpi: [
      {
        rules: ['mnpi-zh-hant'],
        texts: [
          '我有⟦內幕⟧消息',
          '⟦財報前⟧先買',
          '這個消息⟦還沒公布⟧',
          '⟦mnpi-zh-hans|公告前⟧趕快⟦提前買入⟧',
          '這是⟦內部資訊⟧，不要外傳',
          '收購案⟦未公開⟧，先買一點',
          '啲消息仲⟦未公佈⟧，快啲入貨',
          '⟦內幕⟧消息，快啲買',
        ],
      },
    ],
  },
  hardNegatives: {
    guarantees: ['我保證準時到', '該產品收益不保證，可能虧損本金', '我們無法保證任何收益', '無風險利率上升了', '保證金不足，請補繳', '品質保證，請放心'],
    complaints: ['本季沒有投訴，謝謝大家', '證監會今日公布新規', '謝謝你嘅幫手👍', '金管會的新規定下個月生效', '零投訴，服務很好'],
    'off-channel': ['手續費可以用LINE Pay付款嗎？', '公司的官方LINE帳號會通知您', '電話會議改到{time}', '私人銀行部的同事會聯絡您'],
    'evidence-destruction': ['交易紀錄不得刪除', '請勿刪除本郵件，需存檔七年', '別留遺憾，週末見', '文件已經歸檔'],
    'gifts-entertainment': ['明天交易時間照常', '我請假了，下週回來', '這是禮賓部的電話', '請您確認交易金額'],
    mnpi: ['財報已經公布', '公告後再調整', '這是公開資料', '內部會議改到{day}'],
  },
  neutral: [
    '明天{time}開會',
    '您的帳戶月結單已經出了',
    '好的，收到',
    '今日市況波動，我們維持配置',
    '請簽署附件後寄回',
    '{company}的股息已經入帳',
    '{name}，資料已寄到您的信箱',
    '{ticker}{day}公布業績，到時再談',
    '轉帳{amount}已完成',
  ],
  newsletters: [
    '【每週市場回顧】\n\n本週港股反覆向上，債券孳息回落。我們的平衡組合今年以來回報{pct}。\n\n免責聲明：本資料僅供參考，不構成任何要約。過往業績並不代表將來表現。\n\n如欲取消訂閱，請回覆「取消」。',
    {
      subject: '{month}投資月報',
      text: '親愛的客戶：\n\n本月股市表現分化，高息股領漲。公告後市場情緒回穩。\n\n本郵件及其附件僅供指定收件人使用。',
    },
  ],
  short: ['收到', '好的，謝謝', '明天見', '冇問題👍', '⟦gifts-zh-hant|我請客⟧！', '不保證喔'],
};
