import type { z } from 'zod';

/** `agentId: agentId is required for agent messages; at: …` — every issue, field first. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.map(String).join('.');
      return field ? `${field}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
