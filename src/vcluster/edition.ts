/**
 * The vcluster edition a site runs, and the control-plane image that decides it. The open-source
 * image (`ghcr.io/loft-sh/vcluster-oss`) registers only the metrics-server integration; the
 * cert-manager and External Secrets integrations exist in the Pro image
 * (`ghcr.io/loft-sh/vcluster-pro`, the chart's default image, which needs a license for them).
 * With the OSS image their values are accepted by the chart's schema and do nothing, silently.
 */
import { Problems } from '../validation';
import { valueAtPath } from './helm-values';

/** A vcluster edition: `oss` (open source) or `pro` (vcluster Pro / Enterprise features). */
export type VClusterEdition = 'oss' | 'pro';

/** Every edition, for validation messages. */
export const VCLUSTER_EDITIONS: readonly VClusterEdition[] = ['oss', 'pro'];

/** The control-plane image repository of each edition (registry `ghcr.io`, the chart's). */
export const EDITION_IMAGE_REPOSITORIES: Readonly<Record<VClusterEdition, string>> = {
  oss: 'loft-sh/vcluster-oss',
  pro: 'loft-sh/vcluster-pro',
};

/** The edition used when neither the site nor its image repository names one. */
export const DEFAULT_EDITION: VClusterEdition = 'oss';

/** Path of the control-plane image repository in the chart's values. */
export const CONTROL_PLANE_IMAGE_REPOSITORY: readonly string[] = ['controlPlane', 'statefulSet', 'image', 'repository'];

/**
 * The edition an image repository is of, by the last segment of its name (`vcluster-oss`,
 * `vcluster-pro`; a mirror may prefix the path), or `undefined` when the name does not say.
 */
export function editionOfRepository(repository: unknown): VClusterEdition | undefined {
  if (typeof repository !== 'string') return undefined;
  const last = repository.split('/').pop();
  return (Object.keys(EDITION_IMAGE_REPOSITORIES) as VClusterEdition[]).find((e) => EDITION_IMAGE_REPOSITORIES[e].endsWith(`/${last}`));
}

/**
 * The edition of a site: the one it declares, else the one its control-plane image repository
 * names, else {@link DEFAULT_EDITION}. Reports a declared edition its repository contradicts, and
 * a repository whose name says no edition unless the site declares one.
 * @param field where the site's Helm values are, e.g. `helmValues`
 */
export function resolveEdition(problems: Problems, declared: unknown, siteHelmValues: unknown, field = 'helmValues'): VClusterEdition {
  const repository = valueAtPath(siteHelmValues, CONTROL_PLANE_IMAGE_REPOSITORY);
  const named = editionOfRepository(repository);
  if (declared !== undefined && !problems.oneOf('vcluster.edition', declared, VCLUSTER_EDITIONS)) return DEFAULT_EDITION;
  const edition = declared as VClusterEdition | undefined;
  const at = `${field}.${CONTROL_PLANE_IMAGE_REPOSITORY.join('.')}`;
  if (edition && named && named !== edition) {
    problems.add(
      'vcluster.edition',
      edition,
      `the edition of the control-plane image the site runs: ${at} is ${JSON.stringify(repository)}, the ${named} image`,
      `set vcluster.edition to "${named}", or run the ${edition} image (${EDITION_IMAGE_REPOSITORIES[edition]})`,
    );
  } else if (repository !== undefined && !named && !edition) {
    problems.add(
      at,
      repository,
      `an image repository whose name says its edition (…/vcluster-oss or …/vcluster-pro), or any repository together with vcluster.edition`,
      'set vcluster.edition to the edition that image is built from',
    );
  }
  return edition ?? named ?? DEFAULT_EDITION;
}

/**
 * Checks that a vcluster's final values run the image of its edition: a repository named for the
 * edition, or the one the site declared together with its edition (e.g. a mirror).
 * @param field where the values are, e.g. `helmValues`
 * @param siteRepository the repository of the site's values, accepted as the edition's
 */
export function checkEditionImage(
  problems: Problems,
  field: string,
  values: unknown,
  edition: VClusterEdition,
  siteRepository?: unknown,
): void {
  const repository = valueAtPath(values, CONTROL_PLANE_IMAGE_REPOSITORY);
  const named = editionOfRepository(repository);
  if (named === edition || (named === undefined && (repository === undefined || repository === siteRepository))) return;
  problems.add(
    `${field}.${CONTROL_PLANE_IMAGE_REPOSITORY.join('.')}`,
    repository,
    `the control-plane image of the ${edition} edition the site runs (${EDITION_IMAGE_REPOSITORIES[edition]}, or the repository the site's values name)`,
    named
      ? `remove the override, or set the platform's vcluster.edition to "${named}"`
      : 'remove the override; a mirror of the image belongs in the site values',
  );
}
