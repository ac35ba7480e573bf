/**
 * Store effects of each step (reference §3.3), applied after the step's
 * artifact is validated and its routing decided.
 *
 * As in the Go version (reference §3.3, §12 item 29), F0 links the case to
 * the recalled symptom and RCA whenever the recall says `match`, whatever the
 * confidence, and F4 links it to the duplicate's RCA whenever it says
 * `is_duplicate`. Below the recall-hit threshold (H3) or the duplicate
 * threshold (H15b) the link is **tentative**: the ground truth relies on it
 * (an uncertain recall followed by a triage that skips investigation keeps
 * the recalled RCA), and a later step replaces it — an F3 investigation links
 * the case to its own RCA, an accepted duplicate to the duplicate's, an
 * overturn to the override. A tentative link never archives the case's own
 * RCA, and a replacing step drops the case's pending references.
 *
 * Differences from the Go version (reference §12 item 28), on purpose:
 * - F3 updates the case's own RCA on a loop instead of creating another one,
 *   and keeps evidence refs and category; H11 (investigation exhausted) marks
 *   the RCA `ti001` (To Investigate);
 * - a duplicate link supersedes the case's own RCA: it is archived and every
 *   case linked to it moves to the duplicate's RCA;
 * - an overturn of a shared RCA forks a new RCA for the case instead of
 *   rewriting the RCA of every linked case;
 * - `same_as_case_id` references a case whose RCA does not exist yet; the
 *   reference is kept as a pending reference and resolved when that case is
 *   linked to an RCA.
 *
 * Unknown ids in an artifact are a wrong answer, not a broken one: they link
 * nothing and are reported as notes.
 *
 * @module
 */
import type { StepArtifact } from "./artifact_schemas.ts";
import type { RouteDecision } from "./heuristics.ts";
import { fingerprint } from "../store/fingerprint.ts";
import type { Case, Rca, Store } from "../store/store.ts";

/** What a step did to the store beyond the expected, in words. */
export interface EffectResult {
  /** Ignored references and other remarks, for the case history and log. */
  readonly notes: readonly string[];
  /**
   * Store ids of the cases whose symptom or RCA link the step wrote (the
   * step's own case and any case a resolved reference or a superseded RCA
   * moved), in the order they were first linked.
   */
  readonly touched: readonly number[];
}

/** The store effects work on, and the cases whose links they wrote. */
interface Effects {
  readonly store: Store;
  readonly touched: Set<number>;
}

function effectsOn(store: Store): Effects {
  return { store, touched: new Set() };
}

/** Input of {@linkcode applyStoreEffects}. */
export interface EffectInput {
  /** Store case id. */
  readonly caseId: number;
  /** The step's validated artifact. */
  readonly artifact: StepArtifact;
  /** The routing decision taken for it. */
  readonly decision: RouteDecision;
}

const TITLE_LIMIT = 80;

function titleFrom(message: string): string {
  if (message === "") return "RCA from investigation";
  // At most TITLE_LIMIT code units: as many code points or fewer.
  if (message.length <= TITLE_LIMIT) return message;
  const chars = [...message];
  return chars.length > TITLE_LIMIT
    ? `${chars.slice(0, TITLE_LIMIT).join("")}...`
    : message;
}

async function requireCase(fx: Effects, caseId: number): Promise<Case> {
  const found = await fx.store.getCase(caseId);
  if (found === undefined) {
    throw new RangeError(
      `Cannot apply store effects to case ${caseId}: no case has this id`,
    );
  }
  return found;
}

async function ensureSymptomLink(
  fx: Effects,
  link: { symptomId: number; rcaId: number; confidence: number; notes: string },
): Promise<void> {
  if (link.symptomId === 0 || link.rcaId === 0) return;
  const existing = await fx.store.getRcasForSymptom(link.symptomId);
  if (existing.some((l) => l.rcaId === link.rcaId)) return;
  await fx.store.linkSymptomToRca(link);
}

/**
 * Links a case to an RCA (with a symptom link for the case's symptom), then
 * resolves pending references that wait on the case.
 */
async function linkCaseRca(
  fx: Effects,
  caseId: number,
  link: { rcaId: number; confidence: number; notes: string },
): Promise<void> {
  const linked = await fx.store.linkCaseToRca(caseId, link.rcaId);
  fx.touched.add(caseId);
  await ensureSymptomLink(fx, {
    symptomId: linked.symptomId,
    rcaId: link.rcaId,
    confidence: link.confidence,
    notes: link.notes,
  });
  await resolvePending(fx, caseId);
}

/** Links a case to a symptom it recurs in (counted once per case). */
async function linkCaseSymptom(
  fx: Effects,
  caseId: number,
  symptomId: number,
): Promise<void> {
  const current = await requireCase(fx, caseId);
  if (current.symptomId === symptomId) return;
  await fx.store.linkCaseToSymptom(caseId, symptomId);
  fx.touched.add(caseId);
  await fx.store.updateSymptomSeen(symptomId);
}

/**
 * Resolves every pending reference waiting on `targetCaseId` once that case
 * has an RCA: the waiting case takes the target's RCA (and, for a recall, its
 * symptom when it has none). Chains resolve transitively.
 */
export async function resolvePendingReferences(
  store: Store,
  targetCaseId: number,
): Promise<number[]> {
  const fx = effectsOn(store);
  await resolvePending(fx, targetCaseId);
  return [...fx.touched];
}

async function resolvePending(
  fx: Effects,
  targetCaseId: number,
): Promise<void> {
  const target = await requireCase(fx, targetCaseId);
  if (target.rcaId === 0) return;
  const waiting = await fx.store.listPendingReferencesTo(targetCaseId);
  for (const pending of waiting) {
    await fx.store.removePendingReference(pending.id);
    if (pending.kind === "recall" && target.symptomId !== 0) {
      const waiter = await requireCase(fx, pending.caseId);
      if (waiter.symptomId === 0) {
        await linkCaseSymptom(fx, pending.caseId, target.symptomId);
      }
    }
    await relink(fx, pending.caseId, {
      rcaId: target.rcaId,
      confidence: pending.confidence,
      notes: `linked from ${pending.kind} of case ${targetCaseId}`,
    });
  }
}

/**
 * Resolves every pending reference whose target case has an RCA by now; the
 * runners call it when all cases have finished. References to cases that
 * never got an RCA stay unresolved.
 */
export async function resolveAllPendingReferences(
  store: Store,
): Promise<number[]> {
  const fx = effectsOn(store);
  const targets = new Set(
    (await fx.store.listPendingReferences()).map((p) => p.targetCaseId),
  );
  for (const target of targets) await resolvePending(fx, target);
  return [...fx.touched];
}

/**
 * Links a case to `rcaId` (with a symptom link for the case's symptom, and
 * resolving references that wait on the case); when that replaces the case's
 * own RCA, the own RCA is archived and the cases linked to it move along.
 */
export async function relinkCase(
  store: Store,
  caseId: number,
  link: { rcaId: number; confidence: number; notes: string },
): Promise<number[]> {
  const fx = effectsOn(store);
  await relink(fx, caseId, link);
  return [...fx.touched];
}

async function relink(
  fx: Effects,
  caseId: number,
  link: { rcaId: number; confidence: number; notes: string },
): Promise<void> {
  const before = await requireCase(fx, caseId);
  await linkCaseRca(fx, caseId, link);
  if (before.rcaId === 0 || before.rcaId === link.rcaId) return;
  const previous = await fx.store.getRca(before.rcaId);
  if (previous === undefined || previous.originCaseId !== caseId) return;
  await fx.store.updateRcaStatus(previous.id, "archived");
  for (const other of await fx.store.listCasesByRca(previous.id)) {
    if (other.id !== caseId) await linkCaseRca(fx, other.id, link);
  }
}

/**
 * Makes `caseId` share the root cause of `targetCaseId`: at once when the
 * target has an RCA, else through a pending reference.
 */
async function referToCase(
  fx: Effects,
  caseId: number,
  reference: {
    targetCaseId: number;
    kind: "recall" | "correlate";
    confidence: number;
  },
): Promise<string | undefined> {
  const { targetCaseId, kind, confidence } = reference;
  if (targetCaseId === caseId) {
    return `same_as_case_id ${targetCaseId} names the case itself; ignored`;
  }
  const target = await fx.store.getCase(targetCaseId);
  if (target === undefined) {
    return `same_as_case_id ${targetCaseId} names no case; ignored`;
  }
  if (target.rcaId !== 0) {
    if (kind === "recall" && target.symptomId !== 0) {
      const self = await requireCase(fx, caseId);
      if (self.symptomId === 0) {
        await linkCaseSymptom(fx, caseId, target.symptomId);
      }
    }
    await relink(fx, caseId, {
      rcaId: target.rcaId,
      confidence,
      notes: `linked from ${kind} of case ${targetCaseId}`,
    });
    return undefined;
  }
  await fx.store.addPendingReference({
    caseId,
    targetCaseId,
    kind,
    confidence,
  });
  return `waiting for case ${targetCaseId} to be linked to an RCA`;
}

async function recallEffects(
  fx: Effects,
  caseId: number,
  data: Extract<StepArtifact, { step: "F0_RECALL" }>["data"],
  decision: RouteDecision,
): Promise<string[]> {
  if (!data.match) return [];
  const tentative = decision.ruleId !== "H1";
  const notes: string[] = [];
  if (data.symptom_id !== 0) {
    if (await fx.store.getSymptom(data.symptom_id)) {
      await linkCaseSymptom(fx, caseId, data.symptom_id);
    } else {notes.push(
        `symptom_id ${data.symptom_id} names no symptom; ignored`,
      );}
  }
  if (data.prior_rca_id !== 0) {
    if (await fx.store.getRca(data.prior_rca_id)) {
      await relink(fx, caseId, {
        rcaId: data.prior_rca_id,
        confidence: data.confidence,
        notes: tentative
          ? "linked tentatively from F0 recall"
          : "linked from F0 recall",
      });
    } else {
      notes.push(`prior_rca_id ${data.prior_rca_id} names no RCA; ignored`);
    }
  } else if (data.same_as_case_id !== 0) {
    const note = await referToCase(fx, caseId, {
      targetCaseId: data.same_as_case_id,
      kind: "recall",
      confidence: data.confidence,
    });
    if (note) notes.push(note);
  }
  return notes;
}

async function triageEffects(
  fx: Effects,
  caseId: number,
  data: Extract<StepArtifact, { step: "F1_TRIAGE" }>["data"],
): Promise<void> {
  const current = await requireCase(fx, caseId);
  await fx.store.saveTriage({
    caseId,
    symptomCategory: data.symptom_category,
    severity: data.severity,
    defectTypeHypothesis: data.defect_type_hypothesis,
    skipInvestigation: data.skip_investigation,
    clockSkewSuspected: data.clock_skew_suspected,
    cascadeSuspected: data.cascade_suspected,
    candidateRepos: [...data.candidate_repos],
    dataQualityNotes: data.data_quality_notes,
  });
  const print = fingerprint(
    current.name,
    current.errorMessage,
    data.symptom_category,
  );
  const existing = await fx.store.getSymptomByFingerprint(print);
  if (existing === undefined) {
    const created = await fx.store.createSymptom({
      fingerprint: print,
      name: current.name,
      errorPattern: current.errorMessage,
      severity: data.severity,
      status: "active",
    });
    await fx.store.linkCaseToSymptom(caseId, created.id);
    fx.touched.add(caseId);
  } else {
    await linkCaseSymptom(fx, caseId, existing.id);
  }
  await fx.store.updateCaseStatus(caseId, "triaged");
}

async function investigateEffects(
  fx: Effects,
  caseId: number,
  data: Extract<StepArtifact, { step: "F3_INVESTIGATE" }>["data"],
  decision: RouteDecision,
): Promise<void> {
  const current = await requireCase(fx, caseId);
  const own = await ownRca(fx, current);
  const triage = await fx.store.getTriage(caseId);
  await dropPendingReferences(fx, caseId);
  const rca = await fx.store.saveRca({
    ...(own ? { id: own.id } : {}),
    title: titleFrom(data.rca_message),
    description: data.rca_message,
    defectType: decision.ruleId === "H11" ? "ti001" : data.defect_type,
    category: triage?.symptomCategory ?? "",
    component: data.component,
    evidenceRefs: [...data.evidence_refs],
    convergenceScore: data.convergence_score,
    status: "open",
    originCaseId: caseId,
  });
  await fx.store.updateCaseStatus(caseId, "investigated");
  if (current.symptomId !== 0 && data.component !== "") {
    const symptom = await fx.store.getSymptom(current.symptomId);
    if (symptom?.component === "") {
      await fx.store.updateSymptom(symptom.id, { component: data.component });
    }
  }
  await relink(fx, caseId, {
    rcaId: rca.id,
    confidence: data.convergence_score,
    notes: "linked from F3 investigation",
  });
}

async function correlateEffects(
  fx: Effects,
  caseId: number,
  data: Extract<StepArtifact, { step: "F4_CORRELATE" }>["data"],
  decision: RouteDecision,
): Promise<string[]> {
  if (!data.is_duplicate) return [];
  if (decision.ruleId !== "H15") {
    return await tentativeDuplicate(fx, caseId, data);
  }
  if (data.linked_rca_id !== 0) {
    if (!(await fx.store.getRca(data.linked_rca_id))) {
      return [`linked_rca_id ${data.linked_rca_id} names no RCA; ignored`];
    }
    await dropPendingReferences(fx, caseId);
    await relink(fx, caseId, {
      rcaId: data.linked_rca_id,
      confidence: data.confidence,
      notes: "linked from F4 correlation",
    });
    return [];
  }
  if (data.same_as_case_id !== 0) {
    await dropPendingReferences(fx, caseId);
    const note = await referToCase(fx, caseId, {
      targetCaseId: data.same_as_case_id,
      kind: "correlate",
      confidence: data.confidence,
    });
    return note ? [note] : [];
  }
  return ["duplicate without linked_rca_id or same_as_case_id; nothing linked"];
}

/**
 * A duplicate below the threshold (H15b, on to review): links the case to
 * the named RCA tentatively — without archiving the case's own RCA, which a
 * later investigation or overturn may bring back.
 */
async function tentativeDuplicate(
  fx: Effects,
  caseId: number,
  data: Extract<StepArtifact, { step: "F4_CORRELATE" }>["data"],
): Promise<string[]> {
  let rcaId = data.linked_rca_id;
  if (rcaId !== 0) {
    if (!(await fx.store.getRca(rcaId))) {
      return [`linked_rca_id ${rcaId} names no RCA; ignored`];
    }
  } else if (data.same_as_case_id !== 0) {
    const target = await fx.store.getCase(data.same_as_case_id);
    if (target === undefined || data.same_as_case_id === caseId) {
      return [
        `same_as_case_id ${data.same_as_case_id} names no other case; ignored`,
      ];
    }
    if (target.rcaId === 0) {
      return [
        `same_as_case_id ${data.same_as_case_id} has no RCA yet; a duplicate below the threshold links nothing`,
      ];
    }
    rcaId = target.rcaId;
  } else {
    return [];
  }
  await linkCaseRca(fx, caseId, {
    rcaId,
    confidence: data.confidence,
    notes: "linked tentatively from F4 correlation",
  });
  return [];
}

/**
 * Drops the pending references a case made: a step that links the case for
 * good (investigation, accepted duplicate, overturn) replaces any tentative
 * or deferred link it had.
 */
async function dropPendingReferences(
  fx: Effects,
  caseId: number,
): Promise<void> {
  for (const pending of await fx.store.listPendingReferencesFrom(caseId)) {
    await fx.store.removePendingReference(pending.id);
  }
}

/**
 * The RCA the case's own investigation created, whether or not the case is
 * linked to it now (a tentative link may point elsewhere).
 */
async function ownRca(fx: Effects, current: Case): Promise<Rca | undefined> {
  if (current.rcaId !== 0) {
    const linked = await fx.store.getRca(current.rcaId);
    if (linked?.originCaseId === current.id) return linked;
  }
  return (await fx.store.listRcasByOrigin(current.id)).findLast((r) =>
    r.status !== "archived"
  );
}

async function reviewEffects(
  fx: Effects,
  caseId: number,
  data: Extract<StepArtifact, { step: "F5_REVIEW" }>["data"],
): Promise<void> {
  // Reassess changes nothing; a decision other than approve or overturn
  // (e.g. "defer") routes by the fallback rule and, as in Go, changes nothing.
  if (data.decision !== "approve" && data.decision !== "overturn") return;
  const override = data.decision === "overturn"
    ? data.human_override
    : undefined;
  if (override !== undefined) {
    await dropPendingReferences(fx, caseId);
    const current = await requireCase(fx, caseId);
    const rca = current.rcaId === 0
      ? undefined
      : await fx.store.getRca(current.rcaId);
    const shared = rca !== undefined &&
      (await fx.store.listCasesByRca(rca.id)).some((c) => c.id !== caseId);
    const message = override.rca_message || rca?.description || "";
    const { id: _id, createdAt: _createdAt, ...kept } = rca ?? {};
    const saved = await fx.store.saveRca({
      ...kept,
      ...(rca && !shared ? { id: rca.id } : {}),
      title: titleFrom(message),
      description: message,
      defectType: override.defect_type || rca?.defectType || "",
      originCaseId: caseId,
    });
    if (saved.id !== current.rcaId) {
      await linkCaseRca(fx, caseId, {
        rcaId: saved.id,
        confidence: 1,
        notes: "linked from F5 review override",
      });
    }
  }
  await fx.store.updateCaseStatus(caseId, "reviewed");
}

/**
 * Applies the store effects of one step. Returns notes about references that
 * were ignored or deferred.
 */
export async function applyStoreEffects(
  store: Store,
  input: EffectInput,
): Promise<EffectResult> {
  const fx = effectsOn(store);
  const notes = await stepEffects(fx, input);
  return { notes, touched: [...fx.touched] };
}

async function stepEffects(
  fx: Effects,
  input: EffectInput,
): Promise<readonly string[]> {
  const { caseId, artifact, decision } = input;
  switch (artifact.step) {
    case "F0_RECALL":
      return await recallEffects(fx, caseId, artifact.data, decision);
    case "F1_TRIAGE":
      await triageEffects(fx, caseId, artifact.data);
      return [];
    case "F3_INVESTIGATE":
      await investigateEffects(fx, caseId, artifact.data, decision);
      return [];
    case "F4_CORRELATE":
      return await correlateEffects(fx, caseId, artifact.data, decision);
    case "F5_REVIEW":
      await reviewEffects(fx, caseId, artifact.data);
      return [];
    default:
      return [];
  }
}
