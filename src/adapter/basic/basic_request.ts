/**
 * What the basic (heuristic) agent may know: the failure itself, the
 * workspace's repositories by purpose, and the store links of earlier cases
 * of the run with the same error signature. Never the ground truth: a
 * scenario case is projected to {@linkcode FailureInput} before the agent sees
 * it.
 *
 * @module
 */
import type { PipelineStep } from "../../pipeline/step.ts";
import { errorSignature } from "../../briefing/error_signature.ts";
import { similarity, similarSets } from "./similar_sets.ts";

export { similarity };
import type {
  GroundTruthCase,
  RepoConfig,
} from "../../scenario/scenario_schema.ts";

/** The failure as a CI system reports it. */
export interface FailureInput {
  /** Scenario case id, e.g. `C1`. */
  readonly caseId: string;
  readonly testName: string;
  readonly errorMessage: string;
  readonly logSnippet: string;
  readonly version: string;
  readonly job: string;
}

/** A workspace repository as a prompt shows it. */
export interface WorkspaceRepo {
  readonly name: string;
  readonly path: string;
  readonly purpose: string;
  readonly branch: string;
}

/** An earlier case of the run and its store links. */
export interface PeerLinks {
  /** Store case id. */
  readonly storeCaseId: number;
  /** Linked store symptom id, 0 when none. */
  readonly symptomId: number;
  /** Linked store RCA id, 0 when none. */
  readonly rcaId: number;
}

/** One question to the basic agent. */
export interface BasicRequest {
  readonly step: PipelineStep;
  readonly failure: FailureInput;
  /** How many times this step ran before for the case (0 on the first run). */
  readonly attempt: number;
  /** The case's own store RCA id, 0 when none. */
  readonly rcaId: number;
  /**
   * Earlier cases (scenario order) with the same error signature, finished,
   * in scenario order.
   */
  readonly similar: readonly PeerLinks[];
  readonly workspace: readonly WorkspaceRepo[];
}

/** The failure fields of a scenario case (nothing of its ground truth). */
export function failureOf(gt: GroundTruthCase): FailureInput {
  return {
    caseId: gt.id,
    testName: gt.test_name,
    errorMessage: gt.error_message,
    logSnippet: gt.log_snippet,
    version: gt.version,
    job: gt.job,
  };
}

/** The prompt-visible fields of the workspace's repositories. */
export function workspaceOf(repos: readonly RepoConfig[]): WorkspaceRepo[] {
  return repos.map((r) => ({
    name: r.name,
    path: r.path,
    purpose: r.purpose,
    branch: r.branch,
  }));
}

/**
 * The signature two failures must share to be "the same failure": the error
 * message's signature, or the test name when there is no message.
 */
export function failureSignature(failure: {
  readonly errorMessage: string;
  readonly testName: string;
}): string {
  const message = failure.errorMessage.trim();
  return message === "" ? `test:${failure.testName}` : errorSignature(message);
}

/** A case of the run as the basic agent sees it from the store or from disk. */
export interface CaseSnapshot extends PeerLinks {
  /** Scenario case id. */
  readonly caseId: string;
  /** The case reached DONE or stopped with an error. */
  readonly finished: boolean;
}

/** Words of a signature, placeholders included (`<n>`, `<str>`). */
export function signatureWords(signature: string): Set<string> {
  return new Set(
    signature.toLowerCase().match(/<[a-z]+>|[a-z][a-z0-9]{2,}/g) ?? [],
  );
}

/** Signatures at least this similar are "the same failure". */
export const SIMILAR_SIGNATURE = 0.6;

/**
 * The signature of every case, in scenario order, and for each case the
 * earlier cases whose signature is similar to its own (Jaccard similarity of
 * their words at least {@linkcode SIMILAR_SIGNATURE}): what the agent may
 * recall from, and what a recall-aware scheduler makes it wait for.
 */
export class SignatureIndex {
  readonly #signatures = new Map<string, string>();
  readonly #caseIds: readonly string[];
  /** Position of each case in scenario order. */
  readonly #position = new Map<string, number>();
  /** Per case: positions (ascending) of the cases of its signature and of similar ones. */
  readonly #family = new Map<string, Int32Array>();
  readonly #earlier = new Map<string, readonly string[]>();

  /** Indexes `failures` (scenario order). */
  constructor(failures: readonly FailureInput[]) {
    this.#caseIds = failures.map((f) => f.caseId);
    /** Distinct signatures, in order of first appearance, with their cases. */
    const distinct = new Map<string, number[]>();
    failures.forEach((failure, i) => {
      const signature = failureSignature(failure);
      this.#signatures.set(failure.caseId, signature);
      this.#position.set(failure.caseId, i);
      let positions = distinct.get(signature);
      if (positions === undefined) distinct.set(signature, positions = []);
      positions.push(i);
    });
    const groups = [...distinct.values()];
    const similar = similarSets(
      [...distinct.keys()].map(signatureWords),
      SIMILAR_SIGNATURE,
    );
    groups.forEach((positions, k) => {
      const family = Int32Array.from(
        [positions, ...similar[k].map((j) => groups[j])].flat(),
      ).sort();
      for (const i of positions) this.#family.set(this.#caseIds[i], family);
    });
  }

  /** The signature of `caseId`. */
  signatureOf(caseId: string): string | undefined {
    return this.#signatures.get(caseId);
  }

  /** Earlier cases (scenario order) with a signature similar to that of `caseId`. */
  earlierSimilar(caseId: string): readonly string[] {
    let earlier = this.#earlier.get(caseId);
    if (earlier === undefined) {
      const family = this.#family.get(caseId) ?? new Int32Array();
      const position = this.#position.get(caseId) ?? 0;
      // The family is in scenario order: the earlier cases are a prefix.
      let end = 0;
      for (let high = family.length; end < high;) {
        const middle = (end + high) >>> 1;
        if (family[middle] < position) end = middle + 1;
        else high = middle;
      }
      earlier = Array.from(family.subarray(0, end), (i) => this.#caseIds[i]);
      this.#earlier.set(caseId, earlier);
    }
    return earlier;
  }
}

/**
 * The finished earlier cases similar to `caseId`, looked up through
 * `snapshot`, in scenario order.
 */
export async function similarFinished(
  index: SignatureIndex,
  caseId: string,
  snapshot: (caseId: string) => Promise<CaseSnapshot | undefined>,
): Promise<PeerLinks[]> {
  const peers: PeerLinks[] = [];
  for (const id of index.earlierSimilar(caseId)) {
    const s = await snapshot(id);
    if (s?.finished) {
      peers.push({
        storeCaseId: s.storeCaseId,
        symptomId: s.symptomId,
        rcaId: s.rcaId,
      });
    }
  }
  return peers;
}
