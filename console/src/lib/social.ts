import type { Schemas } from '../api/client';

export type Organisation = Schemas['SocialOrganisation'];
export type OrganisationInput = Schemas['SocialOrganisationInput'];
export type Category = OrganisationInput['category'];
export type OrganisationStatus = Organisation['status'];

export const socialCategories: readonly Category[] = ['乡贤参事类', '乡风文明类', '志愿服务类', '矛盾调解类', '行业协会类', '其他'];

/** The coverage counters' ASCII keys in the order of {@link socialCategories}. */
export const categoryKeys = ['sage', 'civility', 'volunteer', 'mediation', 'trade', 'other'] as const;
export type CategoryKey = (typeof categoryKeys)[number];

export const organisationStatusNames: Readonly<Record<OrganisationStatus, string>> = {
  applied: '待乡镇审核',
  returned: '已退回待修改',
  refused: '不予备案',
  withdrawn: '已撤回',
  approved: '已同意（编号中）',
  filed: '已备案',
  active: '活动中',
  suspended: '已暂停',
  dissolved: '已注销',
};

/** Tag colours of the statuses (named colours: the preset success/processing tags fail contrast). */
export const statusColors: Readonly<Record<OrganisationStatus, string>> = {
  applied: 'blue',
  returned: 'orange',
  refused: 'red',
  withdrawn: 'default',
  approved: 'blue',
  filed: 'green',
  active: 'green',
  suspended: 'orange',
  dissolved: 'default',
};

export const gradingOutcomeNames: Readonly<Record<Schemas['SocialGradingResult']['outcome'], string>> = {
  graded: '已定级',
  'below-scale': '未达最低等级',
  'too-few-scorers': '评分人不足两人',
  'no-annual-report': '上年度未报送年度报告',
};

/**
 * Controls, format characters (zero-width, bidi overrides, BOM), surrogates, private use, line and
 * paragraph separators and other default-ignorables: the API refuses names holding any of them
 * (its one name rule); the form says so before sending rather than after a 400.
 */
export const hiddenCharacter = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;

/** The filing form as typed: text fields as strings, so that what is wrong can be said per field. */
export interface FilingDraft {
  readonly village: string;
  readonly name: string;
  readonly category: Category;
  readonly categoryDescription: string;
  readonly leaderName: string;
  readonly partyMember: boolean;
  readonly returnedTalent: boolean;
  readonly fiveElders: boolean;
  readonly members: number | undefined;
  readonly foundedOn: string;
  readonly contact: string;
}

export const emptyDraft = (village: string): FilingDraft => ({
  village,
  name: '',
  category: '志愿服务类',
  categoryDescription: '',
  leaderName: '',
  partyMember: false,
  returnedTalent: false,
  fiveElders: false,
  members: undefined,
  foundedOn: '',
  contact: '',
});

export const draftOf = (o: Organisation): FilingDraft => ({
  village: o.village,
  name: o.name,
  category: o.category,
  categoryDescription: o.categoryDescription ?? '',
  leaderName: o.leader.name,
  partyMember: o.leader.partyMember,
  returnedTalent: o.leader.returnedTalent,
  fiveElders: o.leader.fiveElders,
  members: o.members,
  foundedOn: o.foundedOn,
  contact: o.contact,
});

export type DraftField = keyof FilingDraft;

function text(errors: Partial<Record<DraftField, string>>, field: DraftField, value: string, label: string, max: number, required = true): void {
  if (hiddenCharacter.test(value)) errors[field] = `${label}不能包含控制字符或不可见字符`;
  else if (required && value.trim() === '') errors[field] = `请填写${label}`;
  else if (value.trim().length > max) errors[field] = `${label}不能超过 ${max} 个字`;
}

/**
 * What is wrong with a draft, by field, as the API would refuse it: names and free text without
 * control or invisible characters, 其他 with its description (and only 其他), at least one member,
 * a founding date that is a real day and not after today (Beijing).
 */
export function filingErrors(d: FilingDraft, today: string): Partial<Record<DraftField, string>> {
  const errors: Partial<Record<DraftField, string>> = {};
  if (!/^\d{12}$/.test(d.village)) errors.village = '请填写 12 位村代码';
  text(errors, 'name', d.name, '组织名称', 100);
  if (d.category === '其他') text(errors, 'categoryDescription', d.categoryDescription, '类别说明', 200);
  text(errors, 'leaderName', d.leaderName, '负责人姓名', 50);
  text(errors, 'contact', d.contact, '联系方式', 100);
  if (d.members === undefined || !Number.isInteger(d.members) || d.members < 1 || d.members > 100_000) errors.members = '成员数须为 1 至 100000 的整数';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d.foundedOn) || Number.isNaN(Date.parse(`${d.foundedOn}T00:00:00Z`))) errors.foundedOn = '请选择成立日期';
  else if (d.foundedOn > today) errors.foundedOn = '成立日期不能晚于今天';
  return errors;
}

/** The draft as the API takes it (trimmed; the description only for 其他). */
export function filingBody(d: FilingDraft): Omit<OrganisationInput, 'village'> {
  return {
    name: d.name.trim(),
    category: d.category,
    ...(d.category === '其他' ? { categoryDescription: d.categoryDescription.trim() } : {}),
    leader: { name: d.leaderName.trim(), partyMember: d.partyMember, returnedTalent: d.returnedTalent, fiveElders: d.fiveElders },
    members: d.members ?? 0,
    foundedOn: d.foundedOn,
    contact: d.contact.trim(),
  };
}

/** The score a scorer types, checked against the round's scale before it is sent. */
export function scoreError(raw: string, maxScore: number): string | undefined {
  if (raw.trim() === '') return '请填写分数';
  if (!/^\d+$/.test(raw.trim())) return '分数须为非负整数';
  const n = Number(raw.trim());
  if (n > maxScore) return `分数不能超过满分 ${maxScore}`;
  return undefined;
}

/** A cut-off table in words, best grade first: "5A ≥ 900 · 4A ≥ 800 …". */
export function cutOffText(scale: Schemas['SocialGradingRound']['scale']): string {
  return [...scale.grades]
    .sort((a, b) => b.minScore - a.minScore)
    .map((g) => `${g.grade} ≥ ${g.minScore}`)
    .join(' · ');
}

/**
 * The refusal a scorer meets for an organisation of their own village, explained; any other error
 * is left to ErrorAlert as the API put it.
 */
export function ownVillageRefusal(detail: string | undefined): string | undefined {
  if (!detail || !/own village|scorer-own-village|reviewer-own-village/i.test(detail)) return undefined;
  return '您与该组织同属一个村：按回避规则，评分人不能为本村的组织评分，请由其他评分人评分。';
}

/**
 * "公益性:40，可行性:30" → criteria with keys c1, c2, … (the API wants short ASCII keys; the names are
 * what people read). A name without ":points" counts 100 points.
 */
export function parseCriteria(text: string): { key: string; name: string; maxPoints: number }[] {
  return text
    .split(/[,，;；]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part, i) => {
      const m = /^(.*?)[:：]\s*(\d+)$/.exec(part);
      return { key: `c${i + 1}`, name: (m ? m[1] ?? part : part).trim(), maxPoints: m ? Number(m[2]) : 100 };
    });
}
