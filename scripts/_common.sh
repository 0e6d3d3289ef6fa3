# shellcheck shell=bash
# Shared by scripts/setup, develop, lint and test: locate the repository, the
# virtual environment and a Python >= 3.13 to build it with.
#
# Environment overrides:
#   PYTHON  interpreter to create the venv with (must be >= 3.13)
#   VENV    virtual environment directory (default: <repo>/.venv)

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-${REPO_ROOT}/.venv}"
export REPO_ROOT VENV

log() {
    printf '==> %s\n' "$*" >&2
}

die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# True when "$1" runs and is Python 3.13 or newer. A pyenv shim for a version
# that is not selected exists on PATH but fails to run, hence the real call.
python_is_usable() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 13) else 1)' >/dev/null 2>&1
}

# Print the interpreter to build the venv with: $PYTHON, python3.13 on PATH,
# the newest pyenv 3.13.x, then python3 when it is new enough.
find_python() {
    local candidate
    if [[ -n "${PYTHON:-}" ]]; then
        python_is_usable "${PYTHON}" || die "PYTHON=${PYTHON} is not a runnable Python >= 3.13"
        command -v "${PYTHON}"
        return
    fi
    if candidate="$(command -v python3.13)" && python_is_usable "${candidate}"; then
        echo "${candidate}"
        return
    fi
    if command -v pyenv >/dev/null 2>&1; then
        local root
        root="$(pyenv root)"
        while IFS= read -r candidate; do
            if [[ -n "${candidate}" ]] && python_is_usable "${candidate}"; then
                echo "${candidate}"
                return
            fi
        done < <(compgen -G "${root}/versions/3.13.*/bin/python3.13" | sort -rV)
    fi
    if candidate="$(command -v python3)" && python_is_usable "${candidate}"; then
        echo "${candidate}"
        return
    fi
    die "no Python >= 3.13 found: install python3.13 (e.g. 'pyenv install 3.13') or set PYTHON=/path/to/python3.13"
}
