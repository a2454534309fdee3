import { Button, Form, Input, Modal, Select, message } from 'antd';
import { useState } from 'react';
import { must, type Schemas } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { MoneyInput } from '../../components/MoneyInput';
import { useConsole } from '../../lib/context';
import { beijingDay } from '../../lib/dates';
import { projectStatusNames } from '../../lib/pairing';

type Pairing = Schemas['Pairing'];
type ProjectStatus = Pairing['projects'][number]['status'];

/** Funds actually invested, recorded by the pairing's unit (or admin): date, amount typed in yuan and sent in fen, purpose, optional project. */
export function AddInvestment({ pairing, onSaved }: { readonly pairing: Pairing; readonly onSaved: () => void }) {
  const { client } = useConsole();
  const [open, setOpen] = useState(false);
  const [date, setDate] = useState(beijingDay(new Date()));
  const [amountFen, setAmount] = useState<number | undefined>();
  const [purpose, setPurpose] = useState('');
  const [projectId, setProject] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const save = async () => {
    if (amountFen === undefined) return;
    setError(undefined);
    try {
      must(await client.POST('/pairing/pairings/{id}/investments', { params: { path: { id: pairing.id } }, body: { date: date.trim(), amountFen, purpose: purpose.trim(), ...(projectId ? { projectId } : {}) } }));
      void message.success('资金投入已登记');
      setOpen(false);
      setAmount(undefined);
      setPurpose('');
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <Button size="small" type="primary" onClick={() => { setOpen(true); setError(undefined); }}>登记资金投入</Button>
      <Modal open={open} title="登记资金投入" okText="登记" cancelText="取消" okButtonProps={{ disabled: amountFen === undefined }} onOk={() => void save()} onCancel={() => setOpen(false)}>
        <ErrorAlert error={error} />
        <Form layout="vertical">
          <Form.Item label="日期（YYYY-MM-DD）" htmlFor="inv-date">
            <Input id="inv-date" value={date} onChange={(e) => setDate(e.target.value)} />
          </Form.Item>
          <Form.Item label="金额（元）" htmlFor="inv-amount">
            <MoneyInput id="inv-amount" aria-label="金额（元）" value={amountFen} onChange={setAmount} />
          </Form.Item>
          <Form.Item label="用途" htmlFor="inv-purpose">
            <Input id="inv-purpose" maxLength={200} value={purpose} onChange={(e) => setPurpose(e.target.value)} />
          </Form.Item>
          <Form.Item label="项目（选填）">
            <Select aria-label="项目（选填）" allowClear value={projectId} onChange={(v?: string) => setProject(v)} options={pairing.projects.map((p) => ({ value: p.id, label: p.name }))} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** A project of the pairing, added by its unit (or admin): name, kind, budget typed in yuan and sent in fen, status. */
export function AddProject({ pairing, onSaved }: { readonly pairing: Pairing; readonly onSaved: () => void }) {
  const { client } = useConsole();
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState({ name: '', kind: '' });
  const [budgetFen, setBudget] = useState<number | undefined>();
  const [status, setStatus] = useState<ProjectStatus>('planned');
  const [error, setError] = useState<unknown>();
  const save = async () => {
    if (budgetFen === undefined) return;
    setError(undefined);
    try {
      must(await client.POST('/pairing/pairings/{id}/projects', { params: { path: { id: pairing.id } }, body: { name: draft.name.trim(), kind: draft.kind.trim(), budgetFen, status } }));
      void message.success('项目已添加');
      setOpen(false);
      setDraft({ name: '', kind: '' });
      setBudget(undefined);
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <Button size="small" type="primary" onClick={() => { setOpen(true); setError(undefined); }}>添加项目</Button>
      <Modal open={open} title="添加帮扶项目" okText="添加" cancelText="取消" okButtonProps={{ disabled: budgetFen === undefined }} onOk={() => void save()} onCancel={() => setOpen(false)}>
        <ErrorAlert error={error} />
        <Form layout="vertical">
          <Form.Item label="项目名称" htmlFor="prj-name">
            <Input id="prj-name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
          </Form.Item>
          <Form.Item label="类别（产业、基础设施、合作社等）" htmlFor="prj-kind">
            <Input id="prj-kind" maxLength={40} value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value })} />
          </Form.Item>
          <Form.Item label="预算（元）" htmlFor="prj-budget">
            <MoneyInput id="prj-budget" aria-label="预算（元）" value={budgetFen} onChange={setBudget} />
          </Form.Item>
          <Form.Item label="状态">
            <Select<ProjectStatus> aria-label="状态" value={status} onChange={setStatus} options={Object.entries(projectStatusNames).map(([value, label]) => ({ value: value as ProjectStatus, label }))} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
