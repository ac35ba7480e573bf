/**
 * The parallel runner (`--parallel N`): a sliding window of `concurrency`
 * slots, each given the next ready step as soon as its previous step is
 * applied (one slow answer holds only its own slot). On a batch transport
 * (`offerSteps`: one manifest and briefing per batch, batches never overlap)
 * the window has `batchSize` slots and each refill's steps are offered
 * together: they join the batch in flight, so no slot waits for a whole batch.
 *
 * 1. **Triage phase**: F0 and F1 of every case, scenario order; spare slots
 *    go to review steps of cases triage sent straight to review (skips,
 *    resolved recall hits).
 * 2. **Clustering** (reference §7) of the cases triage sent to investigation,
 *    once no triage step is ready or in flight.
 * 3. **Investigation phase**: everything else — F2–F4 steps first, then
 *    review steps, scenario order within each — among the cases that are
 *    ready:
 *    - a cluster's representative is ready at once; its other members wait
 *      until it is linked to an RCA (or finishes without one), so their own
 *      correlation sees it. Each member then runs its own pipeline, which
 *      links it to the representative's RCA (F4 duplicate) or to its own.
 *      A member that finishes without an RCA of its own gets the
 *      representative's RCA **propagated** as a store link (case and symptom,
 *      noted "propagated from cluster representative");
 *    - a case with a pending reference (a recall hit or duplicate naming a case
 *      not yet linked to an RCA) waits until the reference resolves or its
 *      target finishes without an RCA;
 *    - cases sent to review by triage (skips, resolved recall hits) continue
 *      at once.
 *
 * Answers are applied one at a time, in the order they come back (a batch's
 * in input order), never while another is being applied. Because every case
 * runs its own pipeline and waits for what it depends on, results equal the
 * serial run's case by case: paths, defect types, components, and RCA
 * linkage (which cases share an RCA; the RCAs' store ids may be numbered in
 * another order).
 *
 * @module
 */
import {
  type CalibrationRun,
  type CaseRecord,
  isFinished,
  observeCaseDone,
  syncLinks,
} from "./calibration_run.ts";
import { type Cluster, clusterCases } from "./clustering.ts";
import { briefingSource } from "./run_briefing.ts";
import { RecallGate } from "./recall_gate.ts";
import { StepBuckets, stepKind } from "./step_buckets.ts";
import {
  admitStep,
  applySettled,
  dispatchStep,
  offerSteps,
  type SettledStep,
} from "./run_wave.ts";
import type { TriageResult } from "../pipeline/artifact_schemas.ts";
import { relinkCase } from "../pipeline/store_effects.ts";
import type { BatchPhase } from "../transport/batch_dispatcher.ts";

/** Options of {@linkcode runParallel}. */
export interface ParallelOptions {
  /**
   * Slots of the window on a batch transport (signals of a batch in flight).
   *
   * @default {4}
   */
  readonly batchSize?: number;
  /**
   * Slots of the sliding window (steps in flight at once) when the adapter
   * has no batch support.
   *
   * @default {batchSize}
   */
  readonly concurrency?: number;
}

/** Store setting holding the clusters of the investigation phase. */
export const CLUSTERS_KEY = "clusters";

function latestTriage(record: CaseRecord): TriageResult | undefined {
  return record.artifacts.findLast((a) => a.step === "F1_TRIAGE")?.data as
    | TriageResult
    | undefined;
}

/** Runs every case of `run` to completion through a sliding window. */
export async function runParallel(
  run: CalibrationRun,
  options: ParallelOptions = {},
): Promise<void> {
  const batchSize = options.batchSize ?? 4;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(
      `Cannot run in parallel with batchSize = ${batchSize}: expected a positive integer`,
    );
  }
  const concurrency = options.concurrency ?? batchSize;
  const byId = new Map(run.records.map((r) => [r.gt.id, r]));
  const byStoreId = new Map(run.records.map((r) => [r.storeCaseId, r]));
  const briefings = briefingSource(run);
  const recallGate = new RecallGate(run.records);
  const buckets = new StepBuckets(run.records);
  const reported = new Set<string>();
  let completed = 0;
  let phase: BatchPhase = "triage";
  let clusters: Cluster[] = [];
  /** Representative of each member that still waits for it. */
  const waitingFor = new Map<string, string>();
  /** The members that wait for each representative. */
  const waitersOf = new Map<string, string[]>();
  const propagated = new Set<string>();
  /** Cluster and place of each member (not representatives). */
  const memberPlace = new Map<string, readonly [number, number]>();
  /** Finished members that may still take their representative's RCA. */
  const unpropagated = new Set<string>();
  /** Cases held out of the scans until a case (the key) finishes. */
  const gatedBy = new Map<string, CaseRecord[]>();

  const position = new Map(run.records.map((r, i) => [r.gt.id, i]));
  /** Reports newly finished cases among `records` (all), in scenario order. */
  const reportFinished = (records: readonly CaseRecord[] = run.records) => {
    const sorted = records === run.records ? records : [...records].sort((
      a,
      b,
    ) => position.get(a.gt.id)! - position.get(b.gt.id)!);
    for (const record of sorted) {
      if (!isFinished(record) || reported.has(record.gt.id)) continue;
      reported.add(record.gt.id);
      if (memberPlace.has(record.gt.id)) unpropagated.add(record.gt.id);
      const gated = gatedBy.get(record.gt.id);
      if (gated !== undefined) {
        gatedBy.delete(record.gt.id);
        for (const waiter of gated) buckets.unhold(waiter);
      }
      completed += 1;
      observeCaseDone(run, record, completed);
    }
  };

  /** Cases with an unresolved reference to a case that may still get an RCA. */
  const parkedCases = async (): Promise<Set<string>> => {
    const parked = new Set<string>();
    for (const pending of await run.store.listPendingReferences()) {
      const target = byStoreId.get(pending.targetCaseId);
      const waiter = byStoreId.get(pending.caseId);
      if (waiter && target && !isFinished(target)) parked.add(waiter.gt.id);
    }
    return parked;
  };

  /**
   * Members released from waiting: their representative has an RCA or
   * finished. Checks the representatives `reps` (those whose case a step
   * changed), or every one.
   */
  const release = async (reps: Iterable<string> = [...waitersOf.keys()]) => {
    for (const representative of reps) {
      const members = waitersOf.get(representative);
      if (members === undefined) continue;
      const rep = byId.get(representative)!;
      const repCase = isFinished(rep)
        ? undefined
        : await run.store.getCase(rep.storeCaseId);
      if (isFinished(rep) || (repCase?.rcaId ?? 0) !== 0) {
        for (const member of members) {
          waitingFor.delete(member);
          buckets.unhold(byId.get(member)!);
        }
        waitersOf.delete(representative);
      }
    }
  };

  /** Members wait for their representatives; finished ones may propagate. */
  const adoptClusters = (formed: Cluster[]) => {
    clusters = formed;
    formed.forEach((cluster, c) => {
      const members = cluster.members.slice(1);
      members.forEach((member, m) => {
        waitingFor.set(member, cluster.representative);
        buckets.hold(byId.get(member)!);
        memberPlace.set(member, [c, m]);
        if (isFinished(byId.get(member)!)) unpropagated.add(member);
      });
      if (members.length > 0) waitersOf.set(cluster.representative, members);
    });
  };

  /**
   * Propagation: a member that finished without an RCA of its own takes its
   * representative's RCA as a store link.
   */
  const propagate = async () => {
    if (unpropagated.size === 0) return;
    const touched: number[] = [];
    // Cluster order, then member order.
    const candidates = [...unpropagated].sort((a, b) => {
      const [ca, ma] = memberPlace.get(a)!;
      const [cb, mb] = memberPlace.get(b)!;
      return ca - cb || ma - mb;
    });
    const repCases = new Map<
      string,
      Awaited<ReturnType<typeof run.store.getCase>>
    >();
    for (const member of candidates) {
      const cluster = clusters[memberPlace.get(member)![0]];
      const rep = byId.get(cluster.representative)!;
      if (!repCases.has(rep.gt.id)) {
        repCases.set(rep.gt.id, await run.store.getCase(rep.storeCaseId));
      }
      const repCase = repCases.get(rep.gt.id);
      // Without the representative's RCA yet, the member waits for it.
      if (!repCase || repCase.rcaId === 0) continue;
      unpropagated.delete(member);
      const record = byId.get(member)!;
      const memberCase = await run.store.getCase(record.storeCaseId);
      if (!memberCase || memberCase.rcaId !== 0) continue;
      propagated.add(member);
      touched.push(
        ...await run.store.transaction(() =>
          relinkCase(run.store, record.storeCaseId, {
            rcaId: repCase.rcaId,
            confidence: 0,
            notes: `propagated from cluster representative ${rep.gt.id}`,
          })
        ),
      );
      run.observe({
        type: "note",
        caseId: member,
        message:
          `propagated RCA #${repCase.rcaId} of cluster representative ${rep.gt.id}`,
      });
    }
    await syncLinks(run, touched);
  };

  /**
   * Cases ready for the next wave, in scenario order. In the triage phase
   * these are F0/F1 steps first, then — only to fill a wave's spare slots —
   * review steps of cases that triage sent straight to review (skips,
   * resolved recall hits), which never take part in clustering.
   */
  const ready = async (limit = Infinity): Promise<CaseRecord[]> => {
    const parked = await parkedCases();
    // Held once the scans end (holding re-files nothing during a scan).
    const held: CaseRecord[] = [];
    try {
      return scan(parked, held, limit);
    } finally {
      for (const record of held) buckets.hold(record);
    }
  };

  const scan = (
    parked: ReadonlySet<string>,
    held: CaseRecord[],
    limit: number,
  ): CaseRecord[] => {
    const open = (record: CaseRecord) => {
      if (parked.has(record.gt.id)) return false;
      const blocker = recallGate.blocker(record);
      if (blocker === undefined) return true;
      // Out of the scans until that case finishes.
      let gated = gatedBy.get(blocker);
      if (gated === undefined) gatedBy.set(blocker, gated = []);
      gated.push(record);
      held.push(record);
      return false;
    };
    const found: CaseRecord[] = [];
    if (phase === "investigation") {
      // Investigation steps first (they sit on the longest chains), then
      // review steps; scenario order within each.
      const free = (record: CaseRecord) =>
        open(record) && !waitingFor.has(record.gt.id);
      for (const record of buckets.cases(["investigation"])) {
        if (found.length >= limit) return found;
        if (free(record)) found.push(record);
      }
      for (const record of buckets.cases(["triage", "review", "other"])) {
        if (found.length >= limit) return found;
        if (free(record)) found.push(record);
      }
      return found;
    }
    for (const record of buckets.cases(["triage"])) {
      if (found.length >= limit) return found;
      if (open(record)) found.push(record);
    }
    if (found.length === 0) return [];
    for (const record of buckets.cases(["review"])) {
      if (found.length >= limit) return found;
      if (
        open(record) &&
        !record.artifacts.some((a) => stepKind(a.step) === "investigation")
      ) found.push(record);
    }
    return found;
  };

  // A resumed run that had reached investigation continues with the clusters
  // it formed then (recomputing them from later states would differ).
  const saved = await run.store.getSetting(CLUSTERS_KEY);
  if (Array.isArray(saved)) {
    phase = "investigation";
    adoptClusters(saved as Cluster[]);
    await release();
  }

  /** Clusters the cases triage sent to investigation; investigation begins. */
  const beginInvestigation = async () => {
    phase = "investigation";
    const formed = clusterCases(
      run.records
        .filter((r) =>
          !isFinished(r) &&
          (r.state.current_step === "F2_RESOLVE" ||
            r.state.current_step === "F3_INVESTIGATE")
        )
        .map((r) => ({ caseId: r.gt.id, triage: latestTriage(r) })),
    );
    adoptClusters(formed);
    await run.store.transaction(() =>
      run.store.setSetting(CLUSTERS_KEY, clusters)
    );
    await release();
  };

  /**
   * After steps of `records` were applied (their effects changed the store
   * cases `touched`): newly finished cases, waits, propagation.
   */
  const afterApplied = async (
    records: readonly CaseRecord[],
    touched: Iterable<number>,
  ) => {
    for (const record of records) buckets.update(record);
    reportFinished(records);
    if (phase === "investigation") {
      const reps = new Set<string>();
      for (const record of records) {
        if (waitersOf.has(record.gt.id)) reps.add(record.gt.id);
      }
      for (const id of touched) {
        const record = byStoreId.get(id);
        if (record && waitersOf.has(record.gt.id)) reps.add(record.gt.id);
      }
      await release(reps);
      await propagate();
    }
  };

  /**
   * Nothing is ready and nothing is in flight, yet cases remain: re-files
   * every case and checks every wait. Returns true when something is ready
   * now (only a step this runner did not see could cause that).
   */
  const recheck = async () => {
    gatedBy.clear();
    buckets.unholdAll();
    // Members still waiting stay out of the scans.
    for (const member of waitingFor.keys()) buckets.hold(byId.get(member)!);
    buckets.updateAll();
    await release();
    return (await ready(1)).length > 0;
  };

  // The sliding window: every slot holds a step in flight while one is
  // ready; answers are applied one at a time as they come back. A batch
  // transport gets the steps of each refill together (they join its batch
  // in flight, whose slots are the window's).
  const offering = run.adapter.offerSteps !== undefined;
  const windowSize = offering ? batchSize : concurrency;
  const inFlight = new Set<string>();
  const settled: SettledStep[] = [];
  let wake: (() => void) | undefined;
  const arrive = (step: SettledStep) => {
    settled.push(step);
    wake?.();
  };
  /** Admits `record` to a slot: false when it is finished or failed here. */
  const admit = async (record: CaseRecord) => {
    if (!await admitStep(run, record)) {
      // Failed here at the step limit.
      buckets.update(record);
      reportFinished([record]);
      return false;
    }
    inFlight.add(record.gt.id);
    return true;
  };
  /** Dispatches the admitted `records`. */
  const launch = (records: readonly CaseRecord[]) => {
    if (records.length === 0) return;
    if (!offering) {
      for (const record of records) dispatchStep(run, record).then(arrive);
      return;
    }
    const steps = offerSteps(run, records, {
      phase,
      briefing: (opening) =>
        briefings.next({
          phase,
          batchSize: opening.length,
          completed,
          clusters: phase === "investigation" ? clusters : [],
          inFlight: opening,
        }),
    });
    for (const step of steps) step.then(arrive);
  };
  /** Resolves once an answer is in (at once when one is waiting). */
  const nextSettled = () =>
    settled.length > 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => wake = resolve);
  let stop: unknown;
  while (true) {
    if (stop === undefined && !run.signal?.aborted) {
      let free = windowSize - inFlight.size;
      if (free > 0) {
        const starting: CaseRecord[] = [];
        for (const record of await ready(free + inFlight.size)) {
          if (free === 0) break;
          if (inFlight.has(record.gt.id)) continue;
          if (!await admit(record)) continue;
          starting.push(record);
          free -= 1;
        }
        launch(starting);
      }
    }
    if (inFlight.size === 0) {
      if (stop !== undefined) throw stop;
      run.signal?.throwIfAborted();
      // A step limit may have failed a case just now.
      reportFinished();
      if ((await ready(1)).length > 0) continue;
      if (phase === "triage") {
        await beginInvestigation();
        continue;
      }
      if (run.records.every(isFinished)) break;
      if (await recheck()) continue;
      // Nothing is ready but cases remain: waits that can no longer end.
      // Release them all rather than stall (references stay unresolved).
      waitingFor.clear();
      waitersOf.clear();
      buckets.unholdAll();
      const starting: CaseRecord[] = [];
      for (const record of run.records) {
        if (inFlight.size >= windowSize) break;
        if (!isFinished(record) && await admit(record)) starting.push(record);
      }
      launch(starting);
      continue;
    }
    await nextSettled();
    wake = undefined;
    const arrived = settled.splice(0);
    for (const step of arrived) inFlight.delete(step.record.gt.id);
    // After an abort or an environment failure nothing more is applied or
    // offered; the steps in flight are waited for (their transports end
    // them), then the run stops.
    if (stop !== undefined) continue;
    if (run.signal?.aborted) {
      stop = run.signal.reason;
      continue;
    }
    let touched: readonly number[];
    try {
      touched = await applySettled(run, arrived);
    } catch (error) {
      stop = error;
      continue;
    }
    await afterApplied(arrived.map((step) => step.record), touched);
  }
  await propagate();
}
