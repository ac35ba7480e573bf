import assert from "node:assert/strict";
import { evidenceOverlap } from "./evidence_overlap.ts";

const CONFIG = "linuxptp-daemon-operator:pkg/daemon/config.go:abc1234";

Deno.test("evidenceOverlap() matches on the part after the last slash", () => {
  assert.deepEqual(evidenceOverlap(["config.go:abc1234"], [CONFIG]), {
    found: 1,
    total: 1,
  });
  // The tail may sit anywhere inside the actual reference.
  assert.deepEqual(
    evidenceOverlap(["see other/config.go:abc1234 (line 3)"], [CONFIG]),
    { found: 1, total: 1 },
  );
  // A different file with the same directory does not match.
  assert.deepEqual(
    evidenceOverlap(["linuxptp-daemon-operator:pkg/daemon/holdover.go"], [
      CONFIG,
    ]),
    { found: 0, total: 1 },
  );
});

Deno.test("evidenceOverlap() uses the whole expected reference when it has no slash", () => {
  assert.deepEqual(evidenceOverlap(["x ptp_config y"], ["ptp_config"]), {
    found: 1,
    total: 1,
  });
  assert.deepEqual(evidenceOverlap(["ptp_conf"], ["ptp_config:x"]), {
    found: 1,
    total: 1,
  });
  assert.deepEqual(evidenceOverlap(["other"], ["ptp_config"]), {
    found: 0,
    total: 1,
  });
});

Deno.test("evidenceOverlap() matches an actual reference contained in the expected one", () => {
  // "pkg/daemon" does not contain the tail, but the expected ref contains it.
  assert.deepEqual(evidenceOverlap(["pkg/daemon"], [CONFIG]), {
    found: 1,
    total: 1,
  });
  assert.deepEqual(evidenceOverlap([CONFIG], [CONFIG]), {
    found: 1,
    total: 1,
  });
});

Deno.test("evidenceOverlap() lets an empty actual reference match anything", () => {
  assert.deepEqual(evidenceOverlap([""], [CONFIG, "a/b.go", "c"]), {
    found: 3,
    total: 3,
  });
});

Deno.test("evidenceOverlap() counts each expected reference once", () => {
  assert.deepEqual(
    evidenceOverlap(["config.go:abc1234", CONFIG, "x/config.go:abc1234"], [
      CONFIG,
    ]),
    { found: 1, total: 1 },
  );
  // One actual reference may cover several expected ones.
  assert.deepEqual(evidenceOverlap(["main.go"], ["a/main.go", "b/main.go"]), {
    found: 2,
    total: 2,
  });
});

Deno.test("evidenceOverlap() finds nothing without actual references", () => {
  assert.deepEqual(evidenceOverlap([], [CONFIG, "a/b.go"]), {
    found: 0,
    total: 2,
  });
  assert.deepEqual(evidenceOverlap(["a"], []), { found: 0, total: 0 });
});
