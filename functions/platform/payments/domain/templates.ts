import * as z from 'zod';
import { formatYuan } from '../../money.ts';
import type { XlsxCell } from '../../../shared/xlsx.ts';

/**
 * Payment file layouts, one per bank or treasury system, as data: payment tools keep one template
 * per provider, because every bank's batch-payment (代发) import wants its own columns and names.
 * The two built in cover the treasury's centralised payment (国库集中支付) and a generic bank
 * batch file; a county adds its own bank's layout through configuration (PAYMENT_FILE_TEMPLATES,
 * a JSON array of templates), without a code change.
 */
export const templateFields = ['lineNo', 'instructionId', 'accountName', 'accountNumber', 'bank', 'amountYuan', 'amountFen', 'purpose', 'payeeId', 'program', 'batchId', 'batchDate'] as const;
export const templateFieldSchema = z.enum(templateFields);
export type TemplateField = z.infer<typeof templateFieldSchema>;

export const paymentTemplateSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'lower-case letters, digits and - only'),
  title: z.string().min(1).max(80),
  columns: z.array(z.strictObject({ header: z.string().min(1).max(60), field: templateFieldSchema })).min(1).max(40),
});
export type PaymentTemplate = z.infer<typeof paymentTemplateSchema>;

export const builtInTemplates: readonly PaymentTemplate[] = [
  {
    id: 'treasury',
    title: '国库集中支付通用格式',
    columns: [
      { header: '序号', field: 'lineNo' },
      { header: '支付指令号', field: 'instructionId' },
      { header: '收款人全称', field: 'accountName' },
      { header: '收款人账号', field: 'accountNumber' },
      { header: '收款人开户行', field: 'bank' },
      { header: '金额（元）', field: 'amountYuan' },
      { header: '用途', field: 'purpose' },
    ],
  },
  {
    id: 'bank-generic',
    title: '银行批量代发通用格式',
    columns: [
      { header: '账号', field: 'accountNumber' },
      { header: '户名', field: 'accountName' },
      { header: '开户行', field: 'bank' },
      { header: '金额', field: 'amountYuan' },
      { header: '摘要', field: 'purpose' },
      { header: '业务参考号', field: 'instructionId' },
    ],
  },
];

/** The built-in templates and those of the configuration (a configured id replaces a built-in one). */
export function templatesFrom(configured: string | undefined): PaymentTemplate[] {
  const extra = configured ? z.array(paymentTemplateSchema).parse(JSON.parse(configured)) : [];
  const byId = new Map(builtInTemplates.map((t) => [t.id, t]));
  for (const t of extra) byId.set(t.id, t);
  return [...byId.values()];
}

/** One line of a batch as a payment file shows it. */
export interface FileLine {
  readonly lineNo: number;
  readonly instructionId: string;
  readonly accountName: string;
  readonly accountNumber: string;
  readonly bank: string;
  readonly amountFen: number;
  readonly purpose: string;
  readonly payeeId: string;
  readonly program: string;
  readonly batchId: string;
  readonly batchDate: string;
}

/**
 * The cells of one line in the template's columns. Account numbers and ids are text, never numbers:
 * a spreadsheet would otherwise print a 19-digit account in exponent form and lose its last digits.
 */
export function templateCells(template: PaymentTemplate, line: FileLine): XlsxCell[] {
  return template.columns.map(({ field }): XlsxCell => {
    switch (field) {
      case 'amountYuan':
        return { decimal: formatYuan(line.amountFen) };
      case 'amountFen':
        return { integer: line.amountFen };
      case 'lineNo':
        return { integer: line.lineNo };
      default:
        return { text: String(line[field]) };
    }
  });
}

