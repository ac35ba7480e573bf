/**
 * JSON Schemas of the artifacts' data, generated from the zod schemas of
 * {@linkcode ARTIFACT_SCHEMAS} with zod 4's `z.toJSONSchema`. They describe
 * what an agent may submit (the schemas' input side: defaulted keys are
 * optional). {@linkcode parseArtifact} stays the judge: it also folds key case
 * and drops `null` values, leniency a JSON Schema cannot express.
 *
 * The same documents are exported into `contracts/schemas/` by
 * `scripts/generate_contracts.ts`.
 *
 * @module
 */
import { z } from "zod";
import { ARTIFACT_SCHEMAS } from "./artifact_schemas.ts";
import { PIPELINE_STEPS, type PipelineStep, STEP_INFO } from "./step.ts";

/** Format version of the exported artifact JSON Schemas. */
export const ARTIFACT_SCHEMA_VERSION = 1;

/** A JSON Schema document (draft 2020-12). */
export type JsonSchema = Readonly<Record<string, unknown>>;

function generate(step: PipelineStep): JsonSchema {
  const schema = z.toJSONSchema(ARTIFACT_SCHEMAS[step], { io: "input" });
  const { $schema, ...rest } = schema;
  return Object.freeze({
    $schema,
    $id: `asterisk/artifact/${
      STEP_INFO[step].short
    }/v${ARTIFACT_SCHEMA_VERSION}`,
    title: `${step} artifact data (${STEP_INFO[step].artifactFile})`,
    "x-asterisk-format-version": ARTIFACT_SCHEMA_VERSION,
    ...rest,
  });
}

/** JSON Schema of the artifact data per step, generated once at load. */
export const ARTIFACT_JSON_SCHEMAS: Readonly<Record<PipelineStep, JsonSchema>> =
  Object.freeze(
    Object.fromEntries(PIPELINE_STEPS.map((s) => [s, generate(s)])) as Record<
      PipelineStep,
      JsonSchema
    >,
  );
