import { z } from 'zod';

/** Environment variables, validated once at start; a bad value stops start-up naming the variable. */
export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  /** postgres://… to use PostgreSQL; unset → SQLite in DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (leave unset for SQLite)')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Optional YAML/JSON file with shop settings (name, calendar, greeting…). */
  SHOP_CONFIG: z.string().optional(),
  INTENTS_DIR: z.string().default('./intents'),
  REPLIES_DIR: z.string().default('./replies'),
  /** Signs widget visitor tokens; generated and kept in DATA_DIR when unset. */
  SECRET_KEY: z.string().min(16, 'use at least 16 characters').optional(),
  /** Password of the admin account created on first start; unset → a one-time password is printed. */
  ADMIN_PASSWORD: z.string().min(8, 'use at least 8 characters').optional(),
  /** Receives a JSON POST for overdue chats and agents set away automatically. */
  ALERT_WEBHOOK_URL: z.url().optional(),
  SQLITE_SYNCHRONOUS: z.enum(['NORMAL', 'FULL']).default('NORMAL'),
  /** Where SQLite's group commits run: a writer thread, or the main thread. */
  SQLITE_WRITER: z.enum(['thread', 'inline']).default('thread'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});
export type Env = z.infer<typeof envSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  throw new Error(`invalid environment:\n${lines.join('\n')}`);
}
