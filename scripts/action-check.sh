#!/usr/bin/env bash
# The check step of action.yml (the GitHub Action): finds or installs awaitguard, runs one check with the
# inputs' options, and records the SARIF path and the exit code as step outputs. Never fails itself on findings:
# the action uploads the SARIF first and decides afterwards. Inputs come as AG_* variables (never interpolated
# into this script, so a branch name cannot inject shell).
set -uo pipefail

if [ -x node_modules/.bin/awaitguard ]; then
  awaitguard=(node_modules/.bin/awaitguard)
else
  prefix="${RUNNER_TEMP:-/tmp}/awaitguard-action"
  npm install --no-save --no-audit --no-fund --prefix "$prefix" "awaitguard@${AG_VERSION:-latest}" >&2 || { echo "exit-code=2" >> "${GITHUB_OUTPUT:-/dev/null}"; exit 0; }
  awaitguard=("$prefix/node_modules/.bin/awaitguard")
fi

sarif="${RUNNER_TEMP:-/tmp}/awaitguard.sarif"
args=(check --format sarif --output "$sarif" --cache --cache-location .awaitguard-cache/ --max-warnings "${AG_MAX_WARNINGS:--1}")
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then args+=(--summary "$GITHUB_STEP_SUMMARY"); fi
if [ -n "${AG_BASELINE:-}" ] && [ -f "$AG_BASELINE" ]; then args+=(--baseline "$AG_BASELINE"); fi
if [ "${AG_CHANGED_ONLY:-true}" = "true" ] && [ "${AG_EVENT:-}" = "pull_request" ] && [ -n "${AG_BASE_REF:-}" ]; then
  # The base branch as the remote has it; a shallow clone gets the history merge-base needs.
  git fetch --no-tags --quiet origin "$AG_BASE_REF" >&2 || true
  if [ "$(git rev-parse --is-shallow-repository)" = "true" ]; then git fetch --no-tags --quiet --unshallow origin >&2 || true; fi
  args+=(--changed-since "origin/$AG_BASE_REF")
fi
# Word splitting on purpose: paths and extra options are space-separated lists.
# shellcheck disable=SC2206
args+=(${AG_ARGS:-} ${AG_PATHS:-.})

"${awaitguard[@]}" "${args[@]}"
code=$?
{
  echo "exit-code=$code"
  if [ -f "$sarif" ]; then echo "sarif=$sarif"; fi
} >> "${GITHUB_OUTPUT:-/dev/null}"
exit 0
