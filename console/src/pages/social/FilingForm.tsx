import { Checkbox, DatePicker, Form, Input, InputNumber, Select, Space } from 'antd';
import dayjs from 'dayjs';
import { socialCategories, type DraftField, type FilingDraft } from '../../lib/social';

/**
 * The filing form (新建备案, and the correction of a returned filing): category (其他 with its
 * description), leader with the 党员 / 乡贤 / 五老 flags, members, founding date and contact. Errors
 * are the caller's (lib/social.ts filingErrors), shown beside their field.
 */
export function FilingForm({
  draft,
  onChange,
  errors,
  villageEditable,
}: {
  readonly draft: FilingDraft;
  readonly onChange: (next: FilingDraft) => void;
  readonly errors: Partial<Record<DraftField, string>>;
  readonly villageEditable: boolean;
}) {
  const set = <K extends DraftField>(field: K, value: FilingDraft[K]) => onChange({ ...draft, [field]: value });
  const status = (f: DraftField) => (errors[f] ? ('error' as const) : undefined);
  return (
    <Form layout="vertical" component="div">
      <Form.Item label="所在村（12 位村代码）" htmlFor="so-village" validateStatus={status('village')} help={errors.village}>
        <Input id="so-village" value={draft.village} disabled={!villageEditable} onChange={(e) => set('village', e.target.value.trim())} />
      </Form.Item>
      <Form.Item label="组织名称" htmlFor="so-name" validateStatus={status('name')} help={errors.name}>
        <Input id="so-name" value={draft.name} maxLength={100} onChange={(e) => set('name', e.target.value)} />
      </Form.Item>
      <Form.Item label="类别" htmlFor="so-category">
        <Select id="so-category" aria-label="类别" value={draft.category} onChange={(v) => set('category', v)} options={socialCategories.map((c) => ({ value: c, label: c }))} />
      </Form.Item>
      {draft.category === '其他' && (
        <Form.Item label="类别说明" htmlFor="so-category-description" validateStatus={status('categoryDescription')} help={errors.categoryDescription}>
          <Input id="so-category-description" value={draft.categoryDescription} maxLength={200} onChange={(e) => set('categoryDescription', e.target.value)} />
        </Form.Item>
      )}
      <Form.Item label="负责人姓名" htmlFor="so-leader" validateStatus={status('leaderName')} help={errors.leaderName}>
        <Input id="so-leader" value={draft.leaderName} maxLength={50} onChange={(e) => set('leaderName', e.target.value)} />
      </Form.Item>
      <Form.Item label="负责人身份">
        <Space wrap>
          <Checkbox checked={draft.partyMember} onChange={(e) => set('partyMember', e.target.checked)}>
            党员
          </Checkbox>
          <Checkbox checked={draft.returnedTalent} onChange={(e) => set('returnedTalent', e.target.checked)}>
            乡贤
          </Checkbox>
          <Checkbox checked={draft.fiveElders} onChange={(e) => set('fiveElders', e.target.checked)}>
            五老
          </Checkbox>
        </Space>
      </Form.Item>
      <Form.Item label="成员数" htmlFor="so-members" validateStatus={status('members')} help={errors.members}>
        <InputNumber id="so-members" min={1} max={100_000} precision={0} value={draft.members} onChange={(v) => set('members', v ?? undefined)} style={{ width: 200 }} />
      </Form.Item>
      <Form.Item label="成立日期" htmlFor="so-founded" validateStatus={status('foundedOn')} help={errors.foundedOn}>
        <DatePicker id="so-founded" value={draft.foundedOn ? dayjs(draft.foundedOn) : null} onChange={(d) => set('foundedOn', d ? d.format('YYYY-MM-DD') : '')} />
      </Form.Item>
      <Form.Item label="联系方式" htmlFor="so-contact" validateStatus={status('contact')} help={errors.contact}>
        <Input id="so-contact" value={draft.contact} maxLength={100} onChange={(e) => set('contact', e.target.value)} />
      </Form.Item>
    </Form>
  );
}
