// The summary of a household document under a campaign's lines: the phone's twin of
// server/domain/summary.py (CONTRACT: CONTRIBUTING.md "The summary"; pinned by tests/golden/).
// Money is exact: decimal strings are parsed to BigInt micro-units (10^-6 yuan), summed exactly,
// and rounded half-up (away from zero on a tie, like Decimal ROUND_HALF_UP) to two places.

const SCALE = 1000000n; // micro-yuan
const CENT = 10000n; // micro-yuan per fen

export const INCOME_GROUPS = {
  wage: ['wage_migrant', 'wage_public_job', 'wage_local'],
  business: ['business_farming', 'business_livestock', 'business_forestry', 'business_other'],
  property: ['property_dividend', 'property_land_rent', 'property_other'],
  transfer: ['transfer_family_planning', 'transfer_dibao', 'transfer_tekun', 'transfer_pension',
    'transfer_eco', 'transfer_other'],
};
export const COST_KEY = 'cost_business';
export const LEAVING = ['死亡', '迁出', '服刑', '失踪', '婚出', '分户'];
export const GUARANTEE_KEYS = ['food_secure', 'clothing_secure', 'education_ok', 'medical_ok',
  'housing_ok', 'water_quantity_ok', 'water_quality_ok', 'water_convenient_ok', 'water_reliable_ok'];

const MONEY_RE = /^\s*([+-])?(\d*)(?:\.(\d*))?\s*$/;

/** Parse a money value (decimal string or number) to BigInt micro-yuan; null if not a number. */
export function parseMoney(v) {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') { if (!Number.isFinite(v)) return null; v = String(v); }
  if (typeof v !== 'string') return null;
  if (/e/i.test(v)) { const n = Number(v); if (!Number.isFinite(n)) return null; v = n.toFixed(6); }
  const m = MONEY_RE.exec(v.replace(/,/g, ''));
  if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) return null;
  const frac = (m[3] || '');
  let micro = BigInt(m[2] || '0') * SCALE + BigInt((frac.slice(0, 6)).padEnd(6, '0'));
  if (frac.length > 6 && frac[6] >= '5') micro += 1n;
  return m[1] === '-' ? -micro : micro;
}

/** Divide BigInt a by b (> 0), rounding half-up away from zero. */
function divHalfUp(a, b) {
  const neg = a < 0n;
  const x = neg ? -a : a;
  let q = x / b;
  if ((x % b) * 2n >= b) q += 1n;
  return neg ? -q : q;
}

/** BigInt micro-yuan -> "1234.50" (half-up to fen). */
export function formatMoney(micro) {
  const cents = divHalfUp(micro, CENT);
  const neg = cents < 0n;
  const c = neg ? -cents : cents;
  const s = `${c / 100n}.${String(c % 100n).padStart(2, '0')}`;
  return neg ? `-${s}` : s;
}

/** Normalise what a surveyor typed into a money string ("12000" -> "12000.00"), or null. */
export function normalizeMoney(v) {
  const m = parseMoney(v);
  return m === null ? null : formatMoney(m);
}

export function countsInHousehold(member) {
  return !!member && !LEAVING.includes(member.change_reason);
}

// Civil Code art. 1259: 以上 / 以下 / 以内 include the amount; 超过 / 不满 / 低于 exclude it. The
// server's table (server/domain/lines.py COMPARISONS), word for word: tests/unit/test_lines.py
// holds the two equal, and tests/golden/lines.json has a household at the line for each word.
export const COMPARISONS = {
  以上: '>=', 以下: '<=', 以内: '<=', 超过: '>', 不满: '<', 低于: '<',
};
const SIDES = {
  '>=': (a, b) => a >= b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '<': (a, b) => a < b,
};

/** Whether `income` (fen as BigInt) lies on the line's side under its comparison word. */
export function onSide(cents, line) {
  const amount = divHalfUp(parseMoney(line.amount) ?? 0n, CENT);
  const side = Object.hasOwn(COMPARISONS, line.comparison) ? SIDES[COMPARISONS[line.comparison]] : null;
  return side ? side(cents, amount) : false; // the server refuses a word it does not know
}

function sum(section, keys) {
  let t = 0n;
  for (const k of keys) t += parseMoney(section[k]) ?? 0n;
  return t;
}

export function guarantees(doc) {
  const g = { ...(doc.guarantees || {}) };
  const counted = (doc.members || []).filter(countsInHousehold);
  g.medical_ok = counted.every((m) => !!m.medical_insurance);
  const grade = (doc.household || {}).danger_grade;
  g.housing_ok = grade !== 'C' && grade !== 'D';
  const unmet = GUARANTEE_KEYS.filter((k) => g[k] !== true);
  return { met: unmet.length === 0, unmet };
}

// An amount as the phone stores it once typed right: "1234.50". One typed wrong ("12.345") stays
// in the document as typed, for the message beside its field, and is left out of every figure
// (the questionnaire's, the income table's and its totals) until it is fixed.
const STORED_MONEY = /^\d+\.\d\d$/;
export const typedWrong = (v) => typeof v === 'string' && v !== '' && !STORED_MONEY.test(v);

/** The document as the income counts it, and how many amounts it left out. */
export function countable(doc) {
  const bad = Object.keys((doc && doc.income) || {}).filter((k) => typedWrong(doc.income[k]));
  if (!bad.length) return { doc, bad: 0 };
  const income = { ...doc.income };
  for (const k of bad) delete income[k];
  return { doc: { ...doc, income }, bad: bad.length };
}

/** summarize(document, lines) -> the summary dict of CONTRIBUTING.md. */
export function summarize(doc, lines) {
  doc = doc || {};
  lines = lines || [];
  const inc = doc.income || {};
  const size = (doc.members || []).filter(countsInHousehold).length;
  const wage = sum(inc, INCOME_GROUPS.wage);
  const business = sum(inc, INCOME_GROUPS.business);
  const property = sum(inc, INCOME_GROUPS.property);
  const transfer = sum(inc, INCOME_GROUPS.transfer);
  const annual = wage + business + property + transfer;
  const cost = parseMoney(inc[COST_KEY]) ?? 0n;
  const net = annual - cost;
  const pciCents = size > 0 ? divHalfUp(net, CENT * BigInt(size)) : null;
  const g = guarantees(doc);
  const flags = {};
  for (const line of lines) flags[line.key] = pciCents === null ? false : onSide(pciCents, line);
  const exitLine = lines.find((l) => l.purpose === 'exit');
  const monLine = lines.find((l) => l.purpose === 'monitoring');
  const causes = doc.causes || {};
  const status = (doc.household || {}).status;
  let monitoring = null;
  if (causes.sudden_hardship === true) monitoring = '突发严重困难户';
  else if (monLine && pciCents !== null && flags[monLine.key]
           && Array.isArray(causes.risks) && causes.risks.length > 0) {
    if (['已脱贫', '脱贫不稳定户'].includes(status)) monitoring = '脱贫不稳定户';
    else if (status !== '未脱贫') monitoring = '边缘易致贫户'; // a poor household is helped, not monitored
  }
  return {
    household_size: size,
    wage_income: formatMoney(wage),
    business_income: formatMoney(business),
    property_income: formatMoney(property),
    transfer_income: formatMoney(transfer),
    annual_income: formatMoney(annual),
    business_cost: formatMoney(cost),
    net_income: formatMoney(net),
    per_capita_net_income: pciCents === null ? null : formatMoney(pciCents * CENT),
    guarantees_met: g.met,
    unmet_guarantees: g.unmet,
    exit_eligible: !!(exitLine && pciCents !== null && flags[exitLine.key] && g.met),
    monitoring_type: monitoring,
    lines: flags,
  };
}

// ---- the verdict in words: "人均纯收入 4,210.50 元，超过退出标准 4000 元" ----------------------
// Each comparison word says its side as a person would, and the other side in the word that
// denies it: 以下 / 以上 / 以内 follow the amount ("在…以下"), the others precede it.
const SAYING = {
  超过: [(x) => `超过${x}`, (x) => `未超过${x}`],
  低于: [(x) => `低于${x}`, (x) => `不低于${x}`],
  不满: [(x) => `不满${x}`, (x) => `已满${x}`],
  以上: [(x) => `在${x}以上`, (x) => `低于${x}`],
  以下: [(x) => `在${x}以下`, (x) => `超过${x}`],
  以内: [(x) => `在${x}以内`, (x) => `超过${x}`],
};

/** "4210.5" -> "4,210.50" (a money string as a person reads it); "—" when there is none. */
export function yuan(v) {
  const m = parseMoney(v);
  if (m === null) return '—';
  const [whole, frac] = formatMoney(m).split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}

/** A line's name and amount as said aloud: "退出标准 4000 元" (its label without the amount). */
export function lineName(line) {
  const amount = formatMoney(parseMoney(line.amount) ?? 0n).replace(/\.00$/, '');
  let name = String(line.label || '').replace(/\s*[\d,.]+\s*元?$/, '');
  if (Object.hasOwn(COMPARISONS, name)) name = ''; // a label that is only "低于4500元"
  return `${name}${name ? ' ' : ''}${amount} 元`;
}

/** Where the income stands against the line, in the line's own word: "低于监测标准 5000 元". */
export function linePhrase(line, isOnSide) {
  const say = SAYING[line.comparison];
  if (!say) return `${line.label}：${isOnSide ? '是' : '否'}`;
  return say[isOnSide ? 0 : 1](lineName(line));
}
