/** Chinese names of the API's codes, in one place so every screen says the same. */
export const roleNames: Readonly<Record<string, string>> = {
  admin: '系统管理员',
  finance: '区财政局',
  township: '乡镇',
  village: '村',
  unit: '帮扶单位',
  auditor: '审计',
};

export const positionNames: Readonly<Record<string, string>> = {
  handler: '经办人',
  bookkeeper: '报账员',
  head: '村负责人',
  supervisor: '村务监督委员会主任',
};

export const decisionKindNames: Readonly<Record<string, string>> = {
  'reward.village-signoff': '以奖代补·村级三签一审',
  'reward.township-review': '以奖代补·乡镇审核',
  'reward.finance-approval': '以奖代补·财政审批',
  'reward.unfunded': '以奖代补·预算不足',
  'reward.resubmission': '以奖代补·退回待重报',
  'funding.run-approval': '运转经费·测算审批',
  'payments.batch-approval': '支付批次·审批',
  'payments.batch-export': '支付批次·导出支付文件',
  'payments.batch-results': '支付批次·导入银行结果',
  'pairing.self-assessment': '结对帮扶·单位自评',
  'pairing.township-opinion': '结对帮扶·乡镇意见',
  'pairing.county-evaluation': '结对帮扶·县级考核',
  'social.township-review': '社会组织·乡镇备案审核',
  'social.resubmission': '社会组织·退回待重新提交',
};

export const programNames: Readonly<Record<string, string>> = { reward: '以奖代补', funding: '村级运转经费', payments: '支付', pairing: '结对帮扶', social: '村级社会组织' };

export const answerNames: Readonly<Record<string, string>> = {
  approve: '同意',
  reject: '驳回',
  return: '退回',
  close: '关闭',
  resubmit: '重新提交',
  withdraw: '撤回',
  agree: '同意',
  refuse: '不予备案',
};

/** Answers each decision kind takes (POST /decisions/{id}); the village sign-off is signed on its own screen. */
export const answersOfKind: Readonly<Record<string, readonly string[]>> = {
  'reward.township-review': ['approve', 'reject', 'return'],
  'reward.finance-approval': ['approve', 'reject'],
  'reward.unfunded': ['close'],
  'reward.resubmission': ['resubmit', 'withdraw'],
  'funding.run-approval': ['approve', 'reject'],
  'payments.batch-approval': ['approve', 'reject'],
  'pairing.township-opinion': ['agree', 'return'],
  'social.township-review': ['approve', 'return', 'refuse'],
  'social.resubmission': ['resubmit', 'withdraw'],
};

/** Answers that must give a reason. */
export const answersWithReason = new Set(['reject', 'return', 'close', 'withdraw', 'refuse']);

export const applicationStatusNames: Readonly<Record<string, string>> = {
  computing: '计算中',
  ineligible: '不符合条件',
  'awaiting-village-signoff': '待村级三签一审',
  'awaiting-township': '待乡镇审核',
  returned: '已退回',
  'awaiting-finance': '待财政审批',
  unfunded: '预算不足',
  reserved: '已预留资金',
  paying: '支付中',
  paid: '已支付',
  rejected: '已驳回',
  closed: '已关闭',
};

export const runStatusNames: Readonly<Record<string, string>> = {
  snapshotting: '采集数据中',
  computing: '测算中',
  'dry-run-complete': '试算完成',
  'awaiting-approval': '待审批',
  disbursing: '拨付中',
  paid: '已拨付',
  rejected: '已驳回',
  failed: '失败',
};

export const importStatusNames: Readonly<Record<string, string>> = {
  received: '已接收',
  validating: '校验中',
  writing: '写入中',
  succeeded: '导入成功',
  rejected: '校验未通过',
  failed: '失败',
};

export const executionStatusNames: Readonly<Record<string, string>> = {
  RUNNING: '运行中',
  SUCCEEDED: '成功',
  FAILED: '失败',
  TIMED_OUT: '超时',
  ABORTED: '已中止',
  PENDING_REDRIVE: '待重试',
};

export const waitingForNames: Readonly<Record<string, string>> = { 'second-approver': '等待第二位审批人' };

export const name = (table: Readonly<Record<string, string>>, code: string | undefined): string => (code === undefined ? '' : (table[code] ?? code));
