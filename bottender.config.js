// Messaging-platform channels, in bottender's config shape (`channels.<name>.enabled`, credentials).
// FirstReply does not run bottender's server: src/channels/bottender/ reads this file, mounts its own
// verified routes under /webhooks/* and uses bottender's events and API clients behind our ports.
// A channel is enabled when its access token (WhatsApp: account SID) is set; see docs/channels.md.

/** @param {Record<string, string | undefined>} env */
export function channelsFromEnv(env = process.env) {
  return {
    telegram: {
      enabled: Boolean(env.TELEGRAM_ACCESS_TOKEN),
      accessToken: env.TELEGRAM_ACCESS_TOKEN,
      // Sent back by Telegram in X-Telegram-Bot-Api-Secret-Token when given to setWebhook.
      secretToken: env.TELEGRAM_SECRET_TOKEN,
      origin: env.TELEGRAM_API_ORIGIN,
    },
    line: {
      enabled: Boolean(env.LINE_ACCESS_TOKEN),
      accessToken: env.LINE_ACCESS_TOKEN,
      channelSecret: env.LINE_CHANNEL_SECRET,
      origin: env.LINE_API_ORIGIN,
    },
    messenger: {
      enabled: Boolean(env.MESSENGER_ACCESS_TOKEN),
      pageId: env.MESSENGER_PAGE_ID,
      accessToken: env.MESSENGER_ACCESS_TOKEN,
      appId: env.MESSENGER_APP_ID,
      appSecret: env.MESSENGER_APP_SECRET,
      verifyToken: env.MESSENGER_VERIFY_TOKEN,
      graphVersion: env.MESSENGER_GRAPH_VERSION,
      origin: env.MESSENGER_API_ORIGIN,
    },
    slack: {
      enabled: Boolean(env.SLACK_ACCESS_TOKEN),
      accessToken: env.SLACK_ACCESS_TOKEN,
      signingSecret: env.SLACK_SIGNING_SECRET,
      origin: env.SLACK_API_ORIGIN,
    },
    viber: {
      enabled: Boolean(env.VIBER_ACCESS_TOKEN),
      accessToken: env.VIBER_ACCESS_TOKEN,
      sender: { name: env.VIBER_SENDER_NAME || 'FirstReply' },
      origin: env.VIBER_API_ORIGIN,
    },
    // bottender's WhatsApp channel is Twilio's WhatsApp API.
    whatsapp: {
      enabled: Boolean(env.WHATSAPP_ACCOUNT_SID),
      accountSid: env.WHATSAPP_ACCOUNT_SID,
      authToken: env.WHATSAPP_AUTH_TOKEN,
      phoneNumber: env.WHATSAPP_PHONE_NUMBER,
      // The public URL Twilio posts to; Twilio signs it, and a proxy in front may change what we see.
      webhookUrl: env.WHATSAPP_WEBHOOK_URL,
      origin: env.WHATSAPP_API_ORIGIN,
    },
  };
}

export default {
  // Conversation state lives in FirstReply's own store; bottender's session is not used.
  session: { driver: 'memory' },
  channels: channelsFromEnv(),
};
