// A new household (档外人口) made on the phone, offline if need be: its number pre-filled with the
// village's next free one, its head row and surveyor filled in.
import { getAll } from './db.js';
import { currentUser, uuid } from './auth.js';
import { loadCampaigns, emptyDocument } from './records.js';
import { createHousehold } from './outbox.js';

/**
 * The next free 户编号 of a village: its numbers are the village's code and a sequence, so the
 * highest one on the phone plus one, as wide ("…0016" -> "…0017"); "" when it has none.
 */
async function nextHouseholdNo(villageId) {
  const nos = (await getAll('rows')).filter((r) => r.village_id === villageId)
    .map((r) => r.meta.no).filter((no) => /^\d+$/.test(no));
  if (!nos.length) return '';
  const top = nos.reduce((a, b) => (BigInt(b) > BigInt(a) ? b : a));
  return String(BigInt(top) + 1n).padStart(top.length, '0');
}

export async function newHousehold(villageId, { toast }) {
  const user = await currentUser();
  // A family found at the door belongs to the current campaign: the latest one still open.
  const campaigns = [...(await loadCampaigns()).values()].sort((a, b) => b.year - a.year || b.id - a.id);
  const c = campaigns.find((x) => x.active) || campaigns[0];
  if (!c) { toast('请先下载调查轮次'); location.hash = '#/list'; return; }
  const doc = emptyDocument();
  doc.household.household_no = await nextHouseholdNo(villageId);
  doc.members.push({ id: uuid(), relation: '户主' });
  doc.signoff.surveyor = user ? user.name || user.username : '';
  const h = await createHousehold({ villageId, campaignId: c.id, doc });
  location.replace(`#/h/${h.id}`);
}
