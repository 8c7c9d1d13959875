// Validation of a household document against its form definition, in Chinese: the phone's twin
// of server/domain/validation.py + crosschecks.py + plausibility.py (the server rejects an
// operation whose document has errors, so the phone checks the same rules before submitting).
// Field checks first, then rules across fields on a "clean" copy (only relevant, valid values).
import { parseMoney, countsInHousehold, INCOME_GROUPS } from './income.js';

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';
const MICRO = 1000000n;

/** GB 11643: null when valid, else the reason (the words of server/domain/idcard.py). */
export function idNumberProblem(v) {
  if (typeof v !== 'string') return '身份证号应为文本';
  const n = v.trim().toUpperCase();
  if (/^\d{15}$/.test(n)) return '请填写18位身份证号（15位旧号码需升级）';
  if (!/^\d{17}[\dX]$/.test(n)) return '身份证号应为18位，前17位为数字，末位为数字或X';
  const y = +n.slice(6, 10), m = +n.slice(10, 12), d = +n.slice(12, 14);
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (y < 1800 || dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) {
    return '身份证号中的出生日期无效';
  }
  return checkChar(n.slice(0, 17)) === n[17] ? null : '身份证号校验位不正确';
}
export function checkChar(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (+first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}
export const idBirthDate = (v) => `${v.slice(6, 10)}-${v.slice(10, 12)}-${v.slice(12, 14)}`;
export const idSex = (v) => ((+v[16]) % 2 === 1 ? '男' : '女');
export function idAge(v, on) {
  const y = +v.slice(6, 10), m = +v.slice(10, 12), d = +v.slice(12, 14);
  const om = on.getMonth() + 1, od = on.getDate();
  return on.getFullYear() - y - ((om < m || (om === m && od < d)) ? 1 : 0);
}

export const isFilled = (v) => v !== null && v !== undefined && v !== '' &&
  !(Array.isArray(v) && v.length === 0) &&
  !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);

function resolve(ref, local, doc) {
  if (ref.includes('.')) {
    const i = ref.indexOf('.');
    const g = doc[ref.slice(0, i)];
    return g && typeof g === 'object' && !Array.isArray(g) ? g[ref.slice(i + 1)] : undefined;
  }
  return local ? local[ref] : undefined;
}

/** Skip logic (server/domain/conditions.py). */
export function holds(cond, local, doc) {
  if (!cond) return true;
  if (cond.all) return cond.all.every((c) => holds(c, local, doc));
  if (cond.any) return cond.any.some((c) => holds(c, local, doc));
  if (cond.not) return !holds(cond.not, local, doc);
  const v = resolve(cond.field, local, doc);
  if ('in' in cond) return Array.isArray(v) ? v.some((x) => cond.in.includes(x)) : cond.in.includes(v);
  if ('eq' in cond) return v === cond.eq;
  if ('filled' in cond) return isFilled(v) === !!cond.filled;
  return true;
}

const DEC_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
// The words of server/domain/fieldchecks.py: a row id is a UUID made on the device; no text holds
// a control character (but a tab or a line break) or half of a UTF-16 pair alone.
const ROW_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const UNWRITABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF]/u;
const TEXT_MAX = 500;
const QUOTED_MAX = 20;
const NAMEABLE = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
const GPS_KEYS = ['lat', 'lng', 'accuracy'];
// Key of a clean group or row listing the asked fields whose value failed its own check: filled
// for "filled together" rules, absent for rules on values (server/domain/crosschecks.py INVALID).
const INVALID = '_invalid';
const has = (clean, k) => k in clean || (clean[INVALID] || []).includes(k);

/** A value as a message repeats it: the beginning of a text that holds nothing unwritable. */
function quoted(v) {
  if (typeof v !== 'string' || UNWRITABLE.test(v)) return '';
  const chars = [...v];
  return chars.length <= QUOTED_MAX ? v : `${chars.slice(0, QUOTED_MAX).join('')}…`;
}
const notListed = (L, v) => (quoted(v) ? `${L}的选项“${quoted(v)}”无效` : `${L}的选项无效`);
const isNumber = (x) => typeof x === 'number' && Number.isFinite(x);
/** An unknown key as a message's path names it: only when it looks like a key of a form. */
const named = (prefix, k) => (NAMEABLE.test(k) ? (prefix ? `${prefix}.${k}` : k) : prefix);
/** "No answer": null, nothing, "" (and [] for a multi-select); any other empty value is wrong. */
const noAnswer = (f, v) => v === null || v === undefined || v === ''
  || (f.type === 'multiselect' && Array.isArray(v) && v.length === 0);

/** [problem, parsed] for one filled value (parsed numbers: Number; money: BigInt micro). */
export function checkValue(f, v) {
  const L = f.label;
  let p = null, parsed = v;
  switch (f.type) {
    case 'text': {
      const most = f.max_length !== undefined ? f.max_length : TEXT_MAX;
      if (typeof v !== 'string') p = `${L}应为文本`;
      else if ([...v].length > most) p = `${L}不能超过${most}个字`; // characters, as Python counts
      else if (UNWRITABLE.test(v)) p = `${L}含有无法保存的字符`;
      else if (f.pattern && !new RegExp(`^(?:${f.pattern})$`).test(v)) p = f.pattern_message || `${L}格式不正确`;
      break;
    }
    case 'integer':
      if (typeof v === 'number' && Number.isInteger(v)) parsed = v;
      else if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) parsed = parseInt(v, 10);
      else p = `${L}应为整数`;
      break;
    case 'decimal':
      if (typeof v === 'boolean' || !DEC_RE.test(String(v).trim())) p = `${L}应为数字`;
      else parsed = Number(String(v).trim());
      break;
    case 'money': {
      const s = typeof v === 'number' ? (Number.isInteger(v) ? BigInt(v).toString() : String(v)) : v;
      if (typeof s !== 'string' || !DEC_RE.test(s.trim())) p = `${L}应为金额（如 1234.50）`;
      else if ((s.trim().split('.')[1] || '').length > 2) p = `${L}最多保留两位小数`;
      else parsed = parseMoney(s);
      break;
    }
    case 'select':
      if (Array.isArray(v)) p = `${L}只能选择一项`;
      else if (!(f.options || []).includes(v)) p = typeof v === 'string' ? notListed(L, v) : `${L}应为一个选项`;
      break;
    case 'multiselect':
      if (!Array.isArray(v)) p = `${L}应为多选列表`;
      else if (v.some((x) => !(f.options || []).includes(x))) p = notListed(L, v.find((x) => !(f.options || []).includes(x)));
      else if (new Set(v).size !== v.length) p = `${L}有重复选项`;
      break;
    case 'boolean':
      if (typeof v !== 'boolean') p = `${L}应为“是”或“否”`;
      break;
    case 'date':
      if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))
          || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v) p = `${L}应为日期（年-月-日）`;
      break;
    case 'idcard':
      p = idNumberProblem(v);
      if (!p) parsed = v.trim().toUpperCase();
      break;
    case 'phone':
      if (typeof v !== 'string' || !/^1\d{10}$/.test(v)) p = '手机号应为11位数字';
      break;
    case 'attachment':
      if (typeof v !== 'string' || !/^[0-9A-Za-z-]{8,64}$/.test(v)) p = `${L}附件编号无效`;
      break;
    case 'gps': { // latitude, longitude and, if it says, its accuracy in metres; nothing else
      const accuracy = v && typeof v === 'object' && 'accuracy' in v ? v.accuracy : 0;
      if (!v || typeof v !== 'object' || Array.isArray(v) || !('lat' in v) || !('lng' in v)) p = `${L}应包含经纬度`;
      else if (![v.lat, v.lng, accuracy].every(isNumber) || Object.keys(v).some((k) => !GPS_KEYS.includes(k))
          || Math.abs(v.lat) > 90 || Math.abs(v.lng) > 180 || accuracy < 0 || accuracy > 100000) p = `${L}经纬度无效`;
      break;
    }
    default:
      p = `${L}的类型未知`;
  }
  if (!p) p = bounds(f, parsed);
  return [p, p ? null : parsed];
}

function bounds(f, parsed) {
  const L = f.label, unit = f.unit || '';
  if (f.type === 'multiselect') return f.max !== undefined && parsed.length > f.max ? `${L}最多选择${f.max}项` : null;
  if (!['integer', 'decimal', 'money'].includes(f.type)) return null;
  const cmp = (limit) => (f.type === 'money' ? parsed - parseMoney(String(limit)) : parsed - limit);
  const sign = (x) => (typeof x === 'bigint' ? (x > 0n ? 1 : x < 0n ? -1 : 0) : Math.sign(x));
  if (f.min !== undefined && sign(cmp(f.min)) < 0) return `${L}不能小于${f.min}${unit}`;
  if (f.max !== undefined && sign(cmp(f.max)) > 0) return `${L}不能大于${f.max}${unit}`;
  return null;
}

const msg = (path, message, severity = 'error') => ({ path, message, severity });

/**
 * The clean values of a group or row. A value is checked whether or not its field is asked: one
 * left over from an earlier answer is not used by the rules across fields and never required,
 * but it is kept with the document, so it must be a value its field allows. What the server
 * derives is not used either, but is still of its field's type.
 */
function checkFields(fields, values, prefix, doc, out, required) {
  const clean = {};
  const invalid = [];
  const known = new Set(fields.map((f) => f.key));
  for (const k of Object.keys(values)) if (!known.has(k)) out.push(msg(named(prefix, k), '未知字段'));
  for (const f of fields) {
    const v = values[f.key];
    const path = `${prefix}.${f.key}`;
    if (f.computed) {
      if (v !== null && v !== undefined) { const [p] = checkValue(f, v); if (p) out.push(msg(path, p)); }
      continue;
    }
    const asked = holds(f.relevant, values, doc);
    if (noAnswer(f, v)) { if (asked && required && f.required) out.push(msg(path, `请填写${f.label}`)); continue; }
    const [p, parsed] = checkValue(f, v);
    if (p) { out.push(msg(path, p)); if (asked) invalid.push(f.key); } else if (asked) clean[f.key] = parsed;
  }
  if (invalid.length) clean[INVALID] = invalid;
  return clean;
}

/** validate(definition, doc) -> [{path, message, severity}], errors and warnings in form order. */
export function validate(definition, doc, { today = new Date(), required = true } = {}) {
  const out = [];
  if (!definition || !doc || typeof doc !== 'object') return out;
  const known = new Set(definition.sections.map((s) => s.key));
  for (const k of Object.keys(doc)) if (!known.has(k)) out.push(msg(named('', k), '未知的部分'));
  const clean = {};
  for (const sec of definition.sections) {
    const v = doc[sec.key];
    const missing = v === null || v === undefined;
    if (sec.kind === 'group') {
      const isObject = !missing && typeof v === 'object' && !Array.isArray(v);
      if (!missing && !isObject) out.push(msg(sec.key, '该部分数据格式不正确'));
      clean[sec.key] = isObject ? checkFields(sec.fields, v, sec.key, doc, out, required) : {};
      continue;
    }
    if (!missing && !Array.isArray(v)) { out.push(msg(sec.key, '该部分应为列表')); clean[sec.key] = []; continue; }
    const rows = missing ? [] : v;
    if (required && rows.length < (sec.min_items || 0)) out.push(msg(sec.key, `至少填写${sec.min_items}个${sec.item_label || '条目'}`));
    const seen = new Set();
    clean[sec.key] = [];
    for (const row of rows) {
      if (!row || typeof row.id !== 'string' || !row.id) { out.push(msg(sec.key, `每个${sec.item_label || '条目'}都需要id`)); continue; }
      if (!ROW_ID.test(row.id)) { out.push(msg(sec.key, `${sec.item_label || '条目'}的id无效（应为设备生成的UUID）`)); continue; }
      if (seen.has(row.id)) { out.push(msg(`${sec.key}.${row.id}`, 'id重复')); continue; }
      seen.add(row.id);
      const values = { ...row };
      delete values.id;
      clean[sec.key].push({ id: row.id, ...checkFields(sec.fields, values, `${sec.key}.${row.id}`, doc, out, required) });
    }
  }
  return out.concat(crosschecks(clean, today, required), plausibility(clean));
}

const MALE = ['之子', '之女婿', '之孙子', '之外孙子', '之曾孙子', '之父', '之岳父', '之公公', '之祖父', '之外祖父'];
const FEMALE = ['之女', '之儿媳', '之孙女', '之外孙女', '之曾孙女', '之母', '之岳母', '之婆婆', '之祖母', '之外祖母'];
const HEAD_SEX_IMPLIED = { 之岳父: '男', 之岳母: '男', 之公公: '女', 之婆婆: '女' };
const memberSex = (m) => ('id_number' in m ? idSex(m.id_number) : m.sex);
const ymd = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

function crosschecks(clean, today, required) {
  const out = [];
  const ms = clean.members || [];
  for (const m of ms) {
    const path = `members.${m.id}`;
    const n = m.id_number;
    const sex = memberSex(m);
    // The typed sex and the number disagree: that one message, not the relation's too (which
    // sex is right is unknown until one of them is corrected); server/domain/crosschecks.py.
    const contradicted = !!(n && m.sex && m.sex !== sex);
    if (n) {
      const born = idBirthDate(n);
      if (born > ymd(today)) out.push(msg(`${path}.id_number`, '身份证号中的出生日期晚于调查日期'));
      if (contradicted) out.push(msg(`${path}.sex`, `性别与身份证号不符（身份证号为${sex}性），请核对性别或身份证号`));
      if (m.birth_date && m.birth_date !== born) out.push(msg(`${path}.birth_date`, `出生日期与身份证号不符（身份证号为${born}）`));
    }
    if (contradicted) { /* one message: the sex's */ } else if (sex === '女' && MALE.includes(m.relation)) out.push(msg(`${path}.relation`, `与户主关系“${m.relation}”应为男性`));
    else if (sex === '男' && FEMALE.includes(m.relation)) out.push(msg(`${path}.relation`, `与户主关系“${m.relation}”应为女性`));
    const school = has(m, 'school_status');
    if (has(m, 'education') && school) out.push(msg(`${path}.school_status`, '文化程度与在校生状况只能填写一项'));
    else if (required && !has(m, 'education') && !school) out.push(msg(`${path}.education`, '请填写文化程度或在校生状况'));
    if (has(m, 'migrant_place') && !has(m, 'migrant_months')) out.push(msg(`${path}.migrant_months`, '填写了务工地点，请填写务工时间'));
    if (has(m, 'migrant_months') && !has(m, 'migrant_place')) out.push(msg(`${path}.migrant_place`, '填写了务工时间，请填写务工地点'));
    const health = m.health || [];
    if (health.includes('健康') && health.length > 1) out.push(msg(`${path}.health`, '“健康”不能与其他健康状况同时选择'));
    if (countsInHousehold(m)) {
      if (!has(m, 'medical_insurance')) out.push(msg(`${path}.medical_insurance`, '未参加基本医疗保险，基本医疗保障未达标', 'warning'));
      if (n && health.length === 1 && health[0] === '健康' && m.labour === '无劳动力' && !school) {
        const years = idAge(n, today);
        if (years >= 16 && years <= 60) out.push(msg(`${path}.labour`, `${years}岁、健康且不在校的成员通常不是无劳动力，请核实`, 'warning'));
      }
    }
  }
  const seen = new Set();
  for (const m of ms) {
    if (m.id_number === undefined) continue;
    if (seen.has(m.id_number)) out.push(msg(`members.${m.id}.id_number`, '身份证号与其他成员重复'));
    seen.add(m.id_number);
  }
  const counted = ms.filter(countsInHousehold);
  if (ms.length && !counted.length) out.push(msg('members', '没有计入家庭人口的成员', 'warning'));
  else {
    const heads = counted.filter((m) => m.relation === '户主');
    if (!heads.length && required && counted.length) out.push(msg('members', '家庭成员中应有一名户主'));
    for (const x of heads.slice(1)) out.push(msg(`members.${x.id}.relation`, '只能有一名户主'));
    const headSex = heads.length === 1 ? memberSex(heads[0]) : null;
    const spouses = counted.filter((m) => m.relation === '配偶');
    for (const x of spouses.slice(1)) out.push(msg(`members.${x.id}.relation`, '只能有一名配偶'));
    for (const s of spouses) if (headSex && memberSex(s) === headSex) out.push(msg(`members.${s.id}.relation`, '配偶应与户主性别不同'));
    for (const m of counted) {
      const implied = HEAD_SEX_IMPLIED[m.relation];
      if (headSex && implied && implied !== headSex) out.push(msg(`members.${m.id}.relation`, `“${m.relation}”通常对应${implied}性户主，请核实与户主关系`, 'warning'));
    }
  }
  const hh = clean.household || {};
  const limitsValid = !['land_forest', 'land_pasture'].some((k) => (hh[INVALID] || []).includes(k));
  if (hh.land_returned !== undefined && limitsValid && hh.land_returned > (hh.land_forest || 0) + (hh.land_pasture || 0)) {
    out.push(msg('household.land_returned', '退耕还林面积不能超过林地与牧草地面积之和'));
  }
  const c = clean.causes || {};
  if (c.main_cause && (c.other_causes || []).includes(c.main_cause)) out.push(msg('causes.other_causes', '其他致贫原因不能与主要致贫原因相同'));
  for (const h of clean.helpers || []) {
    if (h.date_from && h.date_to && h.date_to < h.date_from) out.push(msg(`helpers.${h.id}.date_to`, '结束时间不能早于结对时间'));
  }
  const ids = new Set(ms.map((m) => m.id));
  for (const r of clean.measures || []) {
    if (r.member_id && !ids.has(r.member_id)) out.push(msg(`measures.${r.id}.member_id`, '受益成员不在家庭成员中'));
  }
  return out;
}

const LABELS = { wage_migrant: '外出务工收入', wage_public_job: '公益性岗位收入', wage_local: '本地务工收入',
  transfer_dibao: '低保金', transfer_family_planning: '计划生育金', transfer_pension: '养老保险金' };

/** Income plausibility warnings (server/domain/plausibility.py): shown, never blocking. */
function plausibility(clean) {
  const items = clean.income || {};
  const hh = clean.household || {};
  const out = [];
  const v = (k) => items[k] || 0n;
  const w = (path, text) => out.push(msg(path, text, 'warning'));
  const costGiven = v('cost_business') || (items[INVALID] || []).includes('cost_business');
  if (INCOME_GROUPS.business.reduce((t, k) => t + v(k), 0n) > 0n && !costGiven) {
    w('income.cost_business', '有生产经营性收入但没有生产经营性支出，请核实');
  }
  if (v('transfer_eco') > 0n && !hh.land_returned && !(hh[INVALID] || []).includes('land_returned')) w('income.transfer_eco', '有生态补偿金但没有退耕还林面积，请核实');
  for (const [k, min] of [['transfer_dibao', 200n], ['transfer_family_planning', 100n], ['transfer_pension', 88n]]) {
    if (v(k) > 0n && v(k) < min * MICRO) w(`income.${k}`, `${LABELS[k]}不足${min}元，请核实是否为全年金额`);
  }
  for (const k of INCOME_GROUPS.wage) {
    if (v(k) > 0n && v(k) < 300n * MICRO) w(`income.${k}`, `${LABELS[k]}不足300元，请核实是否为全年金额`);
    else if (v(k) > 300000n * MICRO) w(`income.${k}`, `${LABELS[k]}超过300000元，请核实`);
  }
  return out;
}
