import ChildProcess
import Foundation

/// Python's huey (`SqliteHuey`) on the same machine, in the same run, for comparison.
///
/// How huey is run (the script below is the whole of it):
/// - huey from PyPI in the virtualenv `.venv` (`.venv/bin/pip install huey`), a fresh database
///   file in a temporary directory, `immediate=False`, `results=False`, one task `noop` that
///   does nothing;
/// - storage: huey's `SqliteStorage` (WAL). Measured twice: at huey's default durability
///   (`synchronous=FULL`), and with `synchronous=NORMAL`, Mandate's setting, so the comparison
///   is like for like;
/// - "sequential": enqueue all tasks (`noop()`, one autocommit INSERT each), then drain them with
///   exactly the calls huey's consumer worker makes per task (`huey.dequeue()` then
///   `huey.execute(task)`), in one thread;
/// - "consumer": huey's own `Consumer` in-process (`huey.create_consumer(workers=4,
///   worker_type="thread", periodic=False, initial_delay=0.001)`, started with `start()`), while
///   the main thread enqueues; timed until the last task has run.
/// The figure is tasks per second over the whole enqueue + consume.
struct HueyResult {
    var sequentialDefault: Double
    var sequentialNormal: Double
    var consumerNormal: Double

    var best: Double { max(sequentialDefault, sequentialNormal, consumerNormal) }
}

enum HueyBenchmark {
    static let script = #"""
        import json, os, shutil, sys, tempfile, threading, time
        from huey import Huey
        from huey.storage import SqliteStorage

        class NormalSyncStorage(SqliteStorage):
            # Mandate's durability setting: WAL with synchronous=NORMAL.
            def _create_connection(self):
                conn = super()._create_connection()
                conn.execute("pragma synchronous=1")
                return conn

        def make(storage_class):
            directory = tempfile.mkdtemp(prefix="huey-bench-")
            huey = Huey("bench", storage_class=storage_class, filename=os.path.join(directory, "huey.db"),
                        immediate=False, results=False)
            counter = {"done": 0}
            lock = threading.Lock()
            @huey.task()
            def noop():
                with lock:
                    counter["done"] += 1
            return huey, noop, counter, directory

        def sequential(storage_class, n):
            huey, noop, counter, directory = make(storage_class)
            start = time.perf_counter()
            for _ in range(n):
                noop()
            while True:
                task = huey.dequeue()
                if task is None:
                    break
                huey.execute(task)
            elapsed = time.perf_counter() - start
            assert counter["done"] == n, counter
            shutil.rmtree(directory)
            return n / elapsed

        def consumer(storage_class, n):
            huey, noop, counter, directory = make(storage_class)
            consumer = huey.create_consumer(workers=4, worker_type="thread", periodic=False,
                                            initial_delay=0.001, check_worker_health=False)
            consumer.start()
            start = time.perf_counter()
            for _ in range(n):
                noop()
            while counter["done"] < n:
                time.sleep(0.001)
            elapsed = time.perf_counter() - start
            consumer.stop(graceful=True)
            shutil.rmtree(directory)
            return n / elapsed

        n = int(sys.argv[1])
        print(json.dumps({
            # At synchronous=FULL every commit waits for the disk: fewer tasks keep the run short.
            "sequentialDefault": sequential(SqliteStorage, max(1, n // 5)),
            "sequentialNormal": sequential(NormalSyncStorage, n),
            "consumerNormal": consumer(NormalSyncStorage, n),
        }))
        """#

    /// Runs the script with `tasks` tasks per mode (a fifth of them at synchronous=FULL, which
    /// commits at disk speed); nil when `.venv/bin/python` or huey is missing.
    static func run(tasks: Int, python: String) throws -> HueyResult? {
        guard FileManager.default.isExecutableFile(atPath: python) else { return nil }
        let result = try ChildProcess.runBlocking(python, ["-c", script, String(tasks)])
        guard result.status == .exited(0),
            let object = try JSONSerialization.jsonObject(with: Data(result.output)) as? [String: Double],
            let sequentialDefault = object["sequentialDefault"], let sequentialNormal = object["sequentialNormal"],
            let consumerNormal = object["consumerNormal"]
        else { return nil }
        return HueyResult(
            sequentialDefault: sequentialDefault, sequentialNormal: sequentialNormal, consumerNormal: consumerNormal)
    }
}
