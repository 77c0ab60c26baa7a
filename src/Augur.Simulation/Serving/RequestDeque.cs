namespace Augur.Simulation.Serving;

/// <summary>A growable ring buffer of requests with O(1) push and pop at both ends (waiting queues).</summary>
internal sealed class RequestDeque
{
    private SimRequest[] _items = new SimRequest[16];
    private int _head;
    private int _count;

    public int Count => _count;

    public SimRequest First => _count > 0 ? _items[_head] : throw new InvalidOperationException("the queue is empty");

    public void PushBack(SimRequest request)
    {
        if (_count == _items.Length) Grow();
        _items[(_head + _count) & (_items.Length - 1)] = request;
        _count++;
    }

    public void PushFront(SimRequest request)
    {
        if (_count == _items.Length) Grow();
        _head = (_head - 1) & (_items.Length - 1);
        _items[_head] = request;
        _count++;
    }

    public SimRequest PopFront()
    {
        SimRequest first = First;
        _items[_head] = null!;
        _head = (_head + 1) & (_items.Length - 1);
        _count--;
        return first;
    }

    private void Grow()
    {
        var bigger = new SimRequest[_items.Length * 2];
        for (int i = 0; i < _count; i++) bigger[i] = _items[(_head + i) & (_items.Length - 1)];
        _items = bigger;
        _head = 0;
    }
}
