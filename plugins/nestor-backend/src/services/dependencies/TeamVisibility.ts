import { DependencyRules } from './DependencyRules';
import { Interner } from './Interner';
import { NodeFacts, VisibleTeams } from './types';

/**
 * Who sees which deployments: a caller sees its own teams' deployments and
 * those of every team that grants one of its teams (it may depend on them).
 * @internal
 */
export class TeamVisibility {
  readonly #teams: Interner;
  readonly #rules: DependencyRules;

  constructor(teams: Interner, rules: DependencyRules) {
    this.#teams = teams;
    this.#rules = rules;
  }

  /** The caller's teams and the teams that grant one of them; `'*'` stays `'*'`. */
  visibleTeamsFor(callerTeams: VisibleTeams): string[] | '*' {
    if (callerTeams === '*') return '*';
    const teams = this.#teams;
    const own = new Set([...callerTeams].map(t => teams.find(t)).filter(id => id >= 0));
    const visible = new Set(callerTeams);
    for (let owner = 0; owner < teams.size; owner++) {
      for (const granted of this.#rules.grantsOf(owner)) {
        if (own.has(granted)) visible.add(teams.value(owner));
      }
    }
    return [...visible];
  }

  /** A test of whether node `v` of `facts` belongs to one of `visibleTeams`. */
  canSee(facts: NodeFacts, visibleTeams: VisibleTeams): (v: number) => boolean {
    if (visibleTeams === '*') return () => true;
    const mask = new Uint8Array(this.#teams.size);
    for (const team of visibleTeams) {
      const id = this.#teams.find(team);
      if (id >= 0) mask[id] = 1;
    }
    return v => mask[facts.team(v)] === 1;
  }
}
