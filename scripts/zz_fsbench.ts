const dir = Deno.args[0];
Deno.mkdirSync(dir, { recursive: true });
const body = "x".repeat(2000);
function t(name: string, n: number, f: (i: number) => void) {
  const s = performance.now();
  for (let i = 0; i < n; i++) f(i);
  console.log(name, ((performance.now() - s) / n * 1000).toFixed(1), "us");
}
const N = 500;
t("write new", N, (i) => Deno.writeTextFileSync(`${dir}/a${i}`, body));
t("write overwrite", N, (i) => Deno.writeTextFileSync(`${dir}/a${i}`, body));
t("write tmp + rename new", N, (i) => { Deno.writeTextFileSync(`${dir}/t${i}`, body); Deno.renameSync(`${dir}/t${i}`, `${dir}/b${i}`); });
t("write tmp + rename over", N, (i) => { Deno.writeTextFileSync(`${dir}/t${i}`, body); Deno.renameSync(`${dir}/t${i}`, `${dir}/b${i}`); });
t("lstat", N, (i) => Deno.lstatSync(`${dir}/b${i}`));
t("read", N, (i) => Deno.readTextFileSync(`${dir}/b${i}`));
t("mkdir", N, (i) => Deno.mkdirSync(`${dir}/d${i}`));
t("remove", N, (i) => Deno.removeSync(`${dir}/a${i}`));
Deno.removeSync(dir, { recursive: true });
