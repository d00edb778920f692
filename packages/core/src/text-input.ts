import { z } from 'zod';

/** Free text a client must fill in: trimmed, not empty, at most `max` characters (Pothos' zod validation). */
export const requiredText = (max: number) => z.string().trim().min(1).max(max);
