/**
 * Realistic, reproducible lead data for bench/config.yaml's `lead` procedure. A seeded generator
 * makes every run write the same data, so filter selectivity (and so the numbers) is comparable
 * between runs and between databases.
 */

const FIRST_NAMES = ['Aarav', 'Vivaan', 'Aditya', 'Diya', 'Ananya', 'Ishaan', 'Kavya', 'Rohan', 'Saanvi', 'Arjun', 'Meera', 'Kabir', 'Nisha', 'Rahul', 'Priya', 'Vikram', 'Sneha', 'Karan', 'Pooja', 'Amit'];
const LAST_NAMES = ['Sharma', 'Verma', 'Iyer', 'Nair', 'Reddy', 'Patel', 'Gupta', 'Singh', 'Khan', 'Das', 'Mehta', 'Joshi', 'Rao', 'Bose', 'Kulkarni'];
export const CITIES = ['Pune', 'Delhi', 'Mumbai', 'Goa', 'Tokyo'] as const;
/** Users of bench/config.yaml a lead may be assigned to. */
const ASSIGNEES = ['john', 'agent1', 'agent2', 'agent3', 'agent4', 'agent5', 'ravi'];
/** Share of leads that are assigned to someone (the rest are unassigned, as fresh leads are). */
const ASSIGNED_SHARE = 0.6;

/** The equality filter the list workload uses: one score out of 100, so ≈1% of leads match. */
export const EQUALITY_FILTER = { score: 42 } as const;
/** The range filter (5 scores ≈ 5% of leads) and its sort. */
export const RANGE_FILTER = { score: { '>=': 40, '<': 45 } } as const;
export const RANGE_SORT = [{ field: 'score', order: 'desc' }] as const;
/** Two conditions, as an agent's view would ask: a fifth of the leads are in Goa, nearly all score ≥ 3. */
export const CITY_SCORE_FILTER = { city: 'Goa', score: { '>=': 3 } } as const;

/** mulberry32: a tiny, fast, seedable PRNG (Math.random cannot be seeded). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type LeadBody = {
  data: { first_name: string; last_name: string; phone_number: string; score: number; city: string };
  assignedTo?: string;
};

/** A stream of create bodies; `index` keeps phone numbers distinct across generators. */
export function leadGenerator(seed: number): (index: number) => LeadBody {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  return (index) => {
    const body: LeadBody = {
      data: {
        first_name: pick(FIRST_NAMES),
        last_name: pick(LAST_NAMES),
        // Indian mobile numbers: 10 digits starting 6-9; the team's country code 91 is added.
        phone_number: `9${String(seed % 10)}${String(index).padStart(8, '0')}`,
        score: Math.floor(random() * 100),
        city: pick(CITIES),
      },
    };
    if (random() < ASSIGNED_SHARE) body.assignedTo = pick(ASSIGNEES);
    return body;
  };
}
