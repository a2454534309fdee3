import * as z from 'zod';

/**
 * Characters no name or identity of the product may contain: controls (NUL, ESC, CR/LF, DEL, C1),
 * format characters (zero-width space and joiners, bidi overrides such as U+202E, the BOM), lone
 * surrogates, private-use characters, line and paragraph separators, and the other default-ignorable
 * code points (Hangul fillers, variation selectors…), which render as nothing and so let two
 * different strings look the same.
 */
const invisibleOrControl = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;

/** Whether `text` has no control, format or otherwise invisible character (see above). */
export function isPrintableText(text: string): boolean {
  return !invisibleOrControl.test(text);
}

export const printableMessage = 'must not contain control or invisible characters';

/**
 * The one schema for every name in the product (divisions, villages, units, enterprises, programs,
 * funding policies and their tier labels): trimmed, 1-100 characters (a caller may lower the bound
 * with `.max()`), no control or invisible character. Chinese names welcome.
 */
export const nameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .refine(isPrintableText, printableMessage);
