import { zeros } from "../../../src/index.ts";
export async function f(): Promise<number> {
  const z = await zeros([10], { dtype: "<i8" });
  const v: number = await z.get("3");
  return v;
}