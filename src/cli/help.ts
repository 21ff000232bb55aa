/** The `--help` texts: the program's, and one per command, each with an example. */
import type { CommandName } from './args.js';

const globals = `Options for every command:
  --api-key KEY    The API key. Prefer the SUNO_API_KEY variable: a flag stays in
                   your shell history and shows in the process list.
  --base-url URL   The host (default https://api.sunoapi.org; https://api.kie.ai,
                   https://api.api.box … serve the same API). Or SUNO_BASE_URL.
  --json           Print one JSON document on stdout and nothing else there
                   (listen: one JSON document per line, per callback).
  --verbose        Show the stack trace of an error.
  -h, --help       Show this help.`;

const exitCodes = `Exit codes:
  0    done
  1    the task failed (its code and message are printed)
  2    usage error (a wrong flag or argument, no API key)
  3    API, network or download error (a refused key, no credits, an unknown task)
  4    timed out
  130  interrupted (Ctrl-C); nothing half-written is left`;

export function programHelp(version: string): string {
  return `suno-cover ${version}: Suno cover art from the command line

Usage: suno-cover <command> [options]

Commands:
  generate <musicTaskId>  Submit a cover task; with --wait, wait and save the images
  status <coverTaskId>    Show a cover task's status, images or error
  wait <coverTaskId>      Wait for a cover task to finish and save its images
  credits                 Show the account's remaining credits
  listen                  Receive callbacks on this machine and print each one
  simulate                Run the API simulator here: no network, no API key

${globals}
  -v, --version    Show the version.

Environment:
  SUNO_API_KEY, SUNO_BASE_URL, SUNO_WEBHOOK_SECRET   used when the flag is not given
  NO_COLOR                                           turns colour off

${exitCodes}

Example:
  export SUNO_API_KEY=...        # from your host's dashboard
  suno-cover generate 5c79e2b1f0d34c1c9e0a8d2b7f6a4e31 --wait

Run 'suno-cover <command> --help' for a command's options.`;
}

const commands: Record<CommandName, string> = {
  generate: `Usage: suno-cover generate <musicTaskId> [--wait] [--out DIR] [--callback-url URL]
                           [--timeout 15m] [--poll-interval 10s] [--json]

Submits a cover task for a finished music generation task, and prints the new cover
task's id. Submitting twice is safe: the host answers with the existing task, free.
With --wait it then waits, showing the status live, and saves the images to --out
(as <coverTaskId>-1.png …), printing their paths.

Options:
  --wait               Wait for the images and save them.
  --out DIR            Where --wait saves the images (default ./covers).
  --callback-url URL   Where the host POSTs the result (e.g. a tunnel to 'listen').
                       Without it the result is found by polling.
  --timeout 15m        How long --wait waits (90s, 10m, 1h).
  --poll-interval 10s  How often --wait asks the host for the status.

Example:
  suno-cover generate 5c79e2b1f0d34c1c9e0a8d2b7f6a4e31 --wait --out ./covers`,

  status: `Usage: suno-cover status <coverTaskId> [--json]

Reads a cover task once: its status (pending, generating, succeeded, failed), its
image URLs, or its error. Exits with 1 when the task failed.

Example:
  suno-cover status 21aee3c3c2a01fa5e030b3799fa4dd56 --json`,

  wait: `Usage: suno-cover wait <coverTaskId> [--out DIR] [--timeout 15m]
                       [--poll-interval 10s] [--json]

Waits for a cover task submitted earlier (here or by your app), showing the status
live, and saves its images to --out. A task that already finished is saved at once.

Options:
  --out DIR            Where to save the images (default ./covers).
  --timeout 15m        How long to wait (90s, 10m, 1h); exit code 4 past it.
  --poll-interval 10s  How often to ask the host for the status.

Example:
  suno-cover wait 21aee3c3c2a01fa5e030b3799fa4dd56 --out ./covers`,

  credits: `Usage: suno-cover credits [--json]

Prints the account's remaining credits (kie.ai may report a fraction).

Example:
  SUNO_BASE_URL=https://api.kie.ai suno-cover credits`,

  listen: `Usage: suno-cover listen [--port 3000] [--host 127.0.0.1] [--path /]
                         [--secret KEY] [--token TOKEN] [--json]

Runs a callback receiver on this machine and prints every request as it arrives: the
task and its outcome, and whether the signature verified. It answers as the SDK's
receiver does (200, 400, 401, 405, 413, 415), so a host or a tunnel sees what your app
would answer. Point a tunnel (ngrok, cloudflared) at it and submit with
--callback-url. Stop it with Ctrl-C.

Options:
  --port 3000      Port to listen on (0 picks a free one).
  --host HOST      Interface to listen on (default 127.0.0.1).
  --path /         The callback path; other paths are answered 404.
  --secret KEY     kie.ai's webhookHmacKey, to verify signed callbacks
                   (or SUNO_WEBHOOK_SECRET).
  --token TOKEN    Require ?token=TOKEN in the callback URL (hosts that do not sign).

Example:
  suno-cover listen --port 3000 --secret "$KIE_WEBHOOK_HMAC_KEY"`,

  simulate: `Usage: suno-cover simulate [--port 4010] [--secret KEY] [--pending 1s]
                           [--generating 3s] [--credits 100]

Runs the SDK's API simulator in the foreground and prints its URL and API key, so an
app (or this tool) can be pointed at it: tasks go pending, then generating, then
succeed with PNG images; callbacks are POSTed (signed with --secret). Every request it
receives is printed. Stop it with Ctrl-C.

Options:
  --port 4010      Port on 127.0.0.1 (0 picks a free one).
  --secret KEY     Sign callbacks with kie.ai's scheme using this key.
  --pending 1s     How long a task stays pending.
  --generating 3s  How long a task stays generating.
  --credits 100    Credits the account starts with.
  --api-key KEY    The key the simulator accepts (default sim-test-key).

Example:
  suno-cover simulate --port 4010
  SUNO_BASE_URL=http://127.0.0.1:4010 SUNO_API_KEY=sim-test-key suno-cover generate music-1 --wait`,
};

export function commandHelp(command: CommandName): string {
  const text = commands[command];
  return command === 'simulate' ? text : `${text}\n\n${globals}\n\n${exitCodes}`;
}
