extension HelpText {
    /// `mandate jobs --help`.
    static var jobs: String {
        """
        mandate jobs — inspect and repair the job queue (SMS and email deliveries, sweeps).

        USAGE:
          mandate jobs list [--state queued|running|succeeded|dead] [--kind KIND] [--limit N]
                                   Counts by state, then the newest jobs.
          mandate jobs show ID [--reveal]
                                   One job with its last error and payload. SMS codes and email
                                   bodies (invitation links) are withheld unless --reveal is given.
          mandate jobs retry ID    Put a dead job back in the queue (attempts reset).
          mandate jobs purge-dead [--older-than-days N]
                                   Delete dead jobs that died more than N days ago (default 30).
          mandate jobs endpoints   Outbound webhook endpoints and whether a 410 disabled them.
          mandate jobs enable-endpoint NAME
                                   Enable an endpoint again (then retry its dead jobs).

        EXIT CODES: 0 success · 1 refused (e.g. retrying a job that is not dead) · 64 bad usage
          (unknown state, malformed id) · 65 no job with that id

        OPTIONS:

        """ + describe(JobsCommand.options)
    }
}
