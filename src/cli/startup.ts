/** How long a command waits for the projections to catch up with the log before it acts. */
export const startupCatchUpMs = 60_000;
