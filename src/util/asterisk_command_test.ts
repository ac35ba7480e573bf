import assert from "node:assert/strict";
import { asteriskCommand } from "./asterisk_command.ts";

Deno.test("asteriskCommand: the deno task from a checkout, the binary's own name when compiled", () => {
  assert.equal(asteriskCommand(), "deno task asterisk");
  assert.equal(asteriskCommand({ standalone: false }), "deno task asterisk");
  assert.equal(
    asteriskCommand({ standalone: true, execPath: "/work/dist/asterisk" }),
    "asterisk",
  );
});
