using Augur.Domain.Workloads;
using System.Globalization;

namespace Augur.Simulation.Serving;

/// <summary>
/// One run of the discrete-event serving simulation. Events are ordered by (time, sequence number), so equal
/// inputs give identical results. Each replica runs iterations back to back while it has work; an iteration
/// first gives every decoding sequence one token (allocating KV blocks, preempting the most recently admitted
/// sequence when none is free), then fills the rest of the token budget with prefill chunks in FCFS order:
/// partially prefilled sequences first, then the waiting queue (admission reserves blocks for the whole prompt).
/// A request's state exists from its arrival to its finish and its outcome goes into streaming metrics, so what the
/// engine holds besides the caller's request list grows with the requests in flight, not with the run.
/// </summary>
internal sealed partial class ServingEngine
{
    private enum EventKind : byte { Arrival, Wake, IterationEnd, TransferDone }

    /// <summary>An event for replica <paramref name="Target"/>, or about <paramref name="Request"/> (arrival, transfer).</summary>
    private readonly record struct SimEvent(EventKind Kind, int Target, SimRequest? Request = null);

    /// <summary>
    /// Events at one time run arrivals first, in the order the requests were given, then the rest in the order they
    /// were scheduled. Arrivals are queued one at a time, each when the one before it runs.
    /// </summary>
    private readonly record struct EventKey(double Time, bool Arrival, long Sequence) : IComparable<EventKey>
    {
        public int CompareTo(EventKey other)
        {
            int byTime = Time.CompareTo(other.Time);
            if (byTime != 0) return byTime;
            if (Arrival != other.Arrival) return Arrival ? -1 : 1;
            return Sequence.CompareTo(other.Sequence);
        }
    }

    private readonly SchedulerOptions _options;
    private readonly Random _acceptance;
    private readonly int _blockSize;
    private readonly IReadOnlyList<Request> _requests;
    private readonly int[] _arrivalOrder;
    private readonly double _prefixHitRate;
    private readonly ServingMetrics _metrics;
    private int _arrived;
    private readonly Replica[] _replicas;
    private readonly int _poolCount;
    private readonly int _decodeCount;
    private readonly PriorityQueue<SimEvent, EventKey> _events = new();
    private readonly SeriesRecorder _series;
    private readonly long _totalBlocks;
    private long _sequence;
    private int _roundRobinPool;
    private int _roundRobinDecode;
    private int _waiting;
    private int _running;
    private long _usedBlocks;
    private int _preemptions;
    private long _iterations;
    private int _finished;
    /// <summary>Time of the arrival waiting in the event queue (infinite once every request has arrived).</summary>
    private double _nextArrival = double.PositiveInfinity;

    public ServingEngine(ServingDeployment deployment, IReadOnlyList<Request> requests, SchedulerOptions options, Action<int, RequestMetrics>? finished)
    {
        _options = options;
        _acceptance = new Random(options.Seed);
        _blockSize = options.BlockSizeTokens;
        bool disaggregated = deployment.Mode == ServingMode.Disaggregated;
        _poolCount = deployment.Pool.Replicas;
        _decodeCount = deployment.DecodePool?.Replicas ?? 0;
        _replicas = new Replica[_poolCount + _decodeCount];
        for (int i = 0; i < _poolCount; i++)
            _replicas[i] = new Replica(i, deployment.Pool.CostModel, disaggregated, _blockSize);
        for (int i = 0; i < _decodeCount; i++)
            _replicas[_poolCount + i] = new Replica(_poolCount + i, deployment.DecodePool!.CostModel, false, _blockSize);
        foreach (Replica r in _replicas) _totalBlocks += r.TotalBlocks;

        _requests = requests;
        _prefixHitRate = deployment.Pool.CostModel.PrefixHitRate;
        _metrics = new ServingMetrics(options.Slo, finished);
        double lastArrival = 0;
        bool sorted = true;
        for (int i = 0; i < requests.Count; i++)
        {
            Request request = requests[i];
            Validate(request, deployment);
            if (request.Arrival.Value < lastArrival) sorted = false;
            lastArrival = Math.Max(lastArrival, request.Arrival.Value);
        }
        _arrivalOrder = sorted ? [] : ArrivalOrder(requests);

        double interval = options.SampleInterval?.Value ?? Math.Max(lastArrival / options.MaxSamples, MinimumDefaultSampleInterval);
        _series = new SeriesRecorder(interval, options.MaxSamples);
    }

    /// <summary>Smallest interval the default sampling picks (1 ms).</summary>
    private const double MinimumDefaultSampleInterval = 1e-3;

    /// <summary>Request indices by arrival time (ties in the given order), for a list that is not already in that order.</summary>
    private static int[] ArrivalOrder(IReadOnlyList<Request> requests)
    {
        var order = Enumerable.Range(0, requests.Count).ToArray();
        Array.Sort(order, (a, b) => requests[a].Arrival.Value.CompareTo(requests[b].Arrival.Value) is var c and not 0 ? c : a.CompareTo(b));
        return order;
    }

    /// <summary>Queues the next request's arrival, if any is left.</summary>
    private void PushNextArrival()
    {
        _nextArrival = double.PositiveInfinity;
        if (_arrived == _requests.Count) return;
        int index = _arrivalOrder.Length > 0 ? _arrivalOrder[_arrived] : _arrived;
        _arrived++;
        var request = new SimRequest(index, _requests[index], _prefixHitRate);
        _nextArrival = request.Arrival;
        _events.Enqueue(new SimEvent(EventKind.Arrival, 0, request), new EventKey(request.Arrival, true, index));
    }

    public ServingResult Run(IProgress<long>? progress = null)
    {
        long reported = 0, step = Math.Max(1, _requests.Count / 100);
        PushNextArrival();

        double now = 0;
        while (_events.TryDequeue(out SimEvent ev, out EventKey key))
        {
            if (key.Time > now) RecordSamples(key.Time, inclusive: false);
            now = key.Time;
            switch (ev.Kind)
            {
                case EventKind.Arrival:
                    PushNextArrival();
                    Enqueue(Route(0, _poolCount, ref _roundRobinPool), ev.Request!, now);
                    break;
                case EventKind.TransferDone:
                    if (double.IsNaN(ev.Request!.FirstToken)) ev.Request.FirstToken = now;
                    Enqueue(Route(_poolCount, _decodeCount, ref _roundRobinDecode), ev.Request, now);
                    break;
                case EventKind.Wake:
                    Replica woken = _replicas[ev.Target];
                    woken.Busy = StartIteration(woken, now);
                    break;
                case EventKind.IterationEnd:
                    Replica replica = _replicas[ev.Target];
                    FinishIteration(replica, now);
                    replica.Busy = StartIteration(replica, now);
                    break;
            }
            if (progress is not null && _finished - reported >= step) progress.Report(reported = _finished);
        }
        RecordSamples(now, inclusive: true);

        if (_finished != _requests.Count)
            throw new InvalidOperationException($"simulation ended with {_requests.Count - _finished} of {_requests.Count} requests unfinished");
        return _metrics.Build(_preemptions, _iterations, _series.ToSeries());
    }

    private void RecordSamples(double time, bool inclusive)
    {
        if (_series.NextTime > time) return;
        if (_runsInFlight.Count > 0)
        {
            RecordSamplesDuringRuns(time, inclusive);
            return;
        }
        double kv = _totalBlocks > 0 ? (double)_usedBlocks / _totalBlocks : 0;
        _series.RecordUntil(time, inclusive, _waiting, _running, kv);
    }

    private void Push(double time, EventKind kind, int target, SimRequest? request = null) =>
        _events.Enqueue(new SimEvent(kind, target, request), new EventKey(time, false, _sequence++));

    private Replica Route(int first, int count, ref int roundRobin)
    {
        if (_options.Routing == RoutingPolicy.RoundRobin)
        {
            Replica next = _replicas[first + roundRobin];
            roundRobin = (roundRobin + 1) % count;
            return next;
        }
        Replica best = _replicas[first];
        for (int i = 1; i < count; i++)
        {
            Replica candidate = _replicas[first + i];
            if (candidate.OutstandingWork < best.OutstandingWork) best = candidate;
        }
        return best;
    }

    private void Enqueue(Replica replica, SimRequest request, double now)
    {
        request.Done = false;
        replica.Waiting.PushBack(request);
        _waiting++;
        replica.OutstandingWork += replica.RemainingWork(request);
        if (!replica.Busy)
        {
            // A wake event rather than starting now, so that every arrival at this same instant joins the batch.
            replica.Busy = true;
            Push(now, EventKind.Wake, replica.Index);
        }
    }

    private int BlocksFor(int tokens) => (tokens + _blockSize - 1) / _blockSize;

    /// <summary>
    /// Whether <paramref name="replica"/> has prompt tokens to prefill now: a partly prefilled sequence, or a prompt at
    /// the head of the queue that the batch cap and the free KV blocks admit (the admission rule of step 3).
    /// </summary>
    private bool CanPrefill(Replica replica)
    {
        foreach (SimRequest r in replica.Running)
            if (r.PrefillLeft > 0 && !r.Decoding) return true;
        if (replica.Waiting.Count == 0 || replica.Running.Count >= _options.MaxBatchSequences) return false;
        SimRequest head = replica.Waiting.First;
        return head.PrefillLeft > 0 && BlocksFor(head.PromptTokens) <= replica.FreeBlocks;
    }

    /// <summary>Schedules the next iteration of <paramref name="replica"/>; false when it has nothing to do.</summary>
    private bool StartIteration(Replica replica, double now)
    {
        List<SimRequest> running = replica.Running;
        int decodeSequences = 0;
        double decodeContext = 0;
        int prefillTokens = 0, prefillSequences = 0;
        double prefillContext = 0;
        bool preempted = false;

        // 1. Decodes, oldest first; victims come from the newest end. An engine that prefills alone decodes only
        //    when no prompt is ready to prefill.
        bool decode = _options.MixedPrefill || !CanPrefill(replica);
        for (int i = 0; i < running.Count && decode; i++)
        {
            SimRequest r = running[i];
            if (r.PrefillLeft > 0) continue;
            // The step writes KV for the token it verifies plus its drafts (speculative decoding).
            int need = Math.Max(0, BlocksFor(Math.Min(r.Context + replica.CostModel.DraftTokens, r.Input + r.Output - 1)) - r.Blocks);
            bool evictedSelf = false;
            while (need > replica.FreeBlocks)
            {
                SimRequest victim = running[^1];
                Preempt(replica, victim);
                preempted = true;
                if (ReferenceEquals(victim, r))
                {
                    evictedSelf = true;
                    break;
                }
            }
            if (evictedSelf) break;
            Allocate(replica, r, need);
            r.Decoding = true;
            decodeSequences++;
            decodeContext += r.Context;
        }

        // 2. Continue partially prefilled sequences (admitted earlier, so ahead of the queue in FCFS order).
        int budget = _options.ChunkTokenBudget - decodeSequences;
        for (int i = 0; i < running.Count && budget > 0; i++)
        {
            SimRequest r = running[i];
            if (r.PrefillLeft <= 0 || r.Decoding) continue;
            budget -= ScheduleChunk(r, budget, ref prefillTokens, ref prefillContext);
            prefillSequences++;
        }

        // 3. Admit from the head of the queue while the batch, the budget and the KV blocks allow.
        //    Not after a preemption in an iteration that still decodes: freed blocks go to the survivors.
        if (!preempted || decodeSequences == 0)
        {
            RequestDeque waiting = replica.Waiting;
            while (budget > 0 && running.Count < _options.MaxBatchSequences && waiting.Count > 0)
            {
                SimRequest r = waiting.First;
                bool readyToDecode = r.PrefillLeft == 0; // KV arrived from a prefill replica
                if (readyToDecode && !decode) break;      // this iteration prefills alone; it joins the next decode
                int need = readyToDecode
                    ? BlocksFor(Math.Min(r.Context + replica.CostModel.DraftTokens, r.Input + r.Output - 1))
                    : BlocksFor(r.PromptTokens);
                if (need > replica.FreeBlocks) break;
                waiting.PopFront();
                _waiting--;
                running.Add(r);
                _running++;
                Allocate(replica, r, need);
                if (readyToDecode)
                {
                    r.Decoding = true;
                    decodeSequences++;
                    decodeContext += r.Context;
                    budget--;
                }
                else
                {
                    budget -= ScheduleChunk(r, budget, ref prefillTokens, ref prefillContext);
                    prefillSequences++;
                }
            }
        }

        if (prefillTokens == 0 && decodeSequences == 0)
        {
            if (running.Count > 0 || replica.Waiting.Count > 0)
                throw new InvalidOperationException($"replica {replica.Index} has work but could schedule none (KV blocks: {replica.FreeBlocks} free of {replica.TotalBlocks})");
            return false;
        }

        double duration = IterationTime(replica.CostModel, new IterationShape(prefillTokens, prefillContext, decodeSequences, decodeContext, prefillSequences));
        _iterations++;
        double end = now + duration;
        if (prefillTokens == 0 && !preempted && decodeSequences == running.Count && RunsAhead(replica))
            end = RunAhead(replica, now, duration, decodeContext);
        Push(end, EventKind.IterationEnd, replica.Index);
        return true;
    }

    /// <summary>The cost model's time for one iteration, refused when it is negative or not finite.</summary>
    internal static double IterationTime(IServingCostModel model, in IterationShape shape)
    {
        double duration = model.IterationTime(shape).Value;
        if (!(duration >= 0) || !double.IsFinite(duration))
            throw new InvalidOperationException($"the cost model returned an iteration time of {duration.ToString(CultureInfo.InvariantCulture)} s for {shape}");
        return duration;
    }

    /// <summary>Schedules up to <paramref name="budget"/> prompt tokens of <paramref name="r"/>; returns how many.</summary>
    private int ScheduleChunk(SimRequest r, int budget, ref int prefillTokens, ref double prefillContext)
    {
        int chunk = Math.Min(Math.Min(r.PrefillLeft, budget), _options.MaxChunkPerSequence ?? int.MaxValue);
        // Exact causal attention: the token at 0-based position p attends to p + 1 tokens.
        double start = r.Prefilled;
        prefillContext += chunk * start + (double)chunk * (chunk + 1) / 2;
        prefillTokens += chunk;
        r.Chunk = chunk;
        return chunk;
    }

    private void FinishIteration(Replica replica, double now)
    {
        List<SimRequest> running = replica.Running;
        int kept = 0;
        for (int i = 0; i < running.Count; i++)
        {
            SimRequest r = running[i];
            long before = replica.RemainingWork(r);
            if (r.Chunk > 0)
            {
                r.Prefilled += r.Chunk;
                r.Chunk = 0;
                if (r.PrefillLeft == 0) ProduceToken(replica, r, now);
            }
            else if (r.Decoding)
            {
                r.Decoding = false;
                int tokens = 1 + AcceptedDrafts(replica.CostModel);
                for (int k = 0; k < tokens && !r.Done; k++) ProduceToken(replica, r, now);
            }
            replica.OutstandingWork += replica.RemainingWork(r) - before;
            if (!r.Done) running[kept++] = r;
        }
        running.RemoveRange(kept, running.Count - kept);
    }

    /// <summary>Drafts accepted in one verification: each is kept with probability α until the first rejection.</summary>
    private int AcceptedDrafts(IServingCostModel model)
    {
        int accepted = 0;
        while (accepted < model.DraftTokens && _acceptance.NextDouble() < model.Acceptance) accepted++;
        return accepted;
    }

    private void ProduceToken(Replica replica, SimRequest r, double now)
    {
        r.Generated++;
        // Disaggregated: the first token reaches the user with the KV cache at the decode replica.
        if (double.IsNaN(r.FirstToken) && (!replica.PrefillOnly || r.Generated == r.Output)) r.FirstToken = now;
        if (r.Generated == r.Output)
        {
            Leave(replica, r);
            r.Finish = now;
            _finished++;
            _metrics.Add(r);
        }
        else if (replica.PrefillOnly)
        {
            Leave(replica, r);
            Push(now + replica.CostModel.KvTransferTime(r.PromptTokens).Value, EventKind.TransferDone, 0, r);
        }
    }

    private void Leave(Replica replica, SimRequest r)
    {
        Release(replica, r);
        r.Done = true;
        _running--;
    }

    private void Preempt(Replica replica, SimRequest victim)
    {
        long before = replica.RemainingWork(victim);
        replica.Running.RemoveAt(replica.Running.Count - 1);
        Release(replica, victim);
        // Recompute: the tokens generated so far join the prompt to be prefilled again.
        victim.PromptTokens = victim.Input + victim.Generated;
        victim.Prefilled = 0;
        victim.Chunk = 0;
        victim.Decoding = false;
        victim.Preemptions++;
        replica.Waiting.PushFront(victim);
        replica.OutstandingWork += replica.RemainingWork(victim) - before;
        _running--;
        _waiting++;
        _preemptions++;
    }

    private void Allocate(Replica replica, SimRequest r, int blocks)
    {
        replica.FreeBlocks -= blocks;
        r.Blocks += blocks;
        _usedBlocks += blocks;
    }

    private void Release(Replica replica, SimRequest r)
    {
        replica.FreeBlocks += r.Blocks;
        _usedBlocks -= r.Blocks;
        r.Blocks = 0;
    }

    private void Validate(in Request request, ServingDeployment deployment)
    {
        if (request.InputTokens < 1 || request.OutputTokens < 1)
            throw new ArgumentException($"request {request.Id}: input and output tokens must be at least 1 (were {request.InputTokens} and {request.OutputTokens})");
        if (!(request.Arrival.Value >= 0) || !double.IsFinite(request.Arrival.Value))
            throw new ArgumentException($"request {request.Id}: arrival must be a finite time ≥ 0 s (was {request.Arrival})");
        // The most KV a sequence ever holds: every token but the last (whose KV is never written).
        long longest = (long)request.InputTokens + request.OutputTokens - 1;
        bool disaggregated = deployment.Mode == ServingMode.Disaggregated;
        CheckFits(request, disaggregated ? request.InputTokens : longest, _replicas[0], disaggregated ? "prefill replica" : "replica");
        if (disaggregated) CheckFits(request, longest, _replicas[_poolCount], "decode replica");
    }

    private void CheckFits(in Request request, long tokens, Replica replica, string what)
    {
        long blocks = (tokens + _blockSize - 1) / _blockSize;
        if (blocks > replica.TotalBlocks)
            throw new ArgumentException(
                $"request {request.Id} needs {tokens} tokens of KV cache but a {what} holds only {(long)replica.TotalBlocks * _blockSize} ({replica.TotalBlocks} blocks of {_blockSize})");
        long perSequence = replica.CostModel.MaxSequenceKvTokens;
        if (tokens > perSequence)
            throw new ArgumentException(
                $"request {request.Id} needs {tokens} tokens of KV cache but one sequence may hold only {perSequence} on a {what} (one attention group's share)");
    }
}
