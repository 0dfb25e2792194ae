import type { Intent, ReplyTemplate } from './schemas';

/** The bot's content: what it recognises and what it says. Files, the database and drafts all produce one. */
export interface ContentPack {
  intents: Intent[];
  replies: ReplyTemplate[];
}
