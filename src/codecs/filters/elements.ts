/**
 * The filters' element toolkit, re-exported from the modules it was split into (filter dtypes,
 * element access, casts, promotion, codec plumbing) and the shared dtype modules, so existing
 * importers keep working.
 * @module
 */
export { type DtypeWant, dtypeAndAstype, dtypeParam, type FilterDtype, isNumeric, nativeDtype, parseFilterDtype, requireOptions, type Scalar } from "./filter-dtype.ts";
export {
  byteswap, elementCount, elementReader, type ElementReader, elementWriter, type ElementWriter, readCodePoints, readValues,
  stringCodePoints, viewOf, writeCodePoints,
} from "./values.ts";
export { castArray, castScalar, type Caster, makeCaster, setitemScalar, transformValues, writeValues } from "./cast.ts";
export { type BinaryOp, binaryOp, promoteTypes, type PyScalar, pyScalar, pyScalarTo, resultTypeWithScalar, trueDivideType } from "./promote.ts";
export { checkConfig, deliver } from "./config.ts";
export { doubleToHalfBits, halfBitsToDouble, rintNumber, roundToHalf } from "../../dtype/float16.ts";
export { pyFloatRepr, pyNumberStr, pyStrRepr } from "../../dtype/pyrepr.ts";
