import type { Control, ControlMeta } from './control';
import { crwId01 } from './crw-id-01';
import { crwId02 } from './crw-id-02';
import { crwId03 } from './crw-id-03';
import { crwId04 } from './crw-id-04';
import { crwId05 } from './crw-id-05';
import { crwId06 } from './crw-id-06';
import { crwId07 } from './crw-id-07';
import { crwId08 } from './crw-id-08';
import { crwId09 } from './crw-id-09';
import { crwId10 } from './crw-id-10';
import { crwExo01 } from './crw-exo-01';
import { crwExo02 } from './crw-exo-02';
import { crwExo03 } from './crw-exo-03';
import { crwExo04 } from './crw-exo-04';
import { crwExo05 } from './crw-exo-05';
import { crwExo06 } from './crw-exo-06';

/** Controls this version evaluates, by id. */
export const IMPLEMENTED_CONTROLS: readonly Control[] = [
  crwId01,
  crwId02,
  crwId03,
  crwId04,
  crwId05,
  crwId06,
  crwId07,
  crwId08,
  crwId09,
  crwId10,
  crwExo01,
  crwExo02,
  crwExo03,
  crwExo04,
  crwExo05,
  crwExo06,
];

/**
 * What every control of shared/CONTROLS.md is and needs, implemented or not: unimplemented ones still report,
 * and `crw secrets check` shows the permissions each selected control will need.
 */
export type CatalogueEntry = Pick<
  ControlMeta,
  'id' | 'title' | 'severity' | 'graphPermissions' | 'exchangeRole'
>;

function implemented({ meta }: Control): CatalogueEntry {
  const { id, title, severity, graphPermissions, exchangeRole } = meta;
  return { id, title, severity, graphPermissions, exchangeRole };
}

export const CATALOGUE: readonly CatalogueEntry[] = [
  implemented(crwId01),
  implemented(crwId02),
  implemented(crwId03),
  implemented(crwId04),
  implemented(crwId05),
  implemented(crwId06),
  implemented(crwId07),
  implemented(crwId08),
  implemented(crwId09),
  implemented(crwId10),
  implemented(crwExo01),
  implemented(crwExo02),
  implemented(crwExo03),
  implemented(crwExo04),
  implemented(crwExo05),
  implemented(crwExo06),
];
