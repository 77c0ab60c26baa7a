using System.Globalization;
using Augur.Simulation.Serving;
using Augur.Units;

namespace Augur.Tests.Simulation;

public class RequestTraceTests
{
    [Fact]
    public void Reads_a_good_trace_in_invariant_culture_whatever_the_current_culture()
    {
        const string text = "arrival_s,input_tokens,output_tokens\n0,100,10\n\n 0.5 , 2000 , 1\n1.25e1,7,300\n";
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            // The build runs globalization-invariant, so make a comma-decimal culture by hand.
            var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            comma.NumberFormat.NumberGroupSeparator = ".";
            CultureInfo.CurrentCulture = comma;
            IReadOnlyList<Request> requests = RequestTrace.Read(new StringReader(text), "trace.csv");
            Request[] expected =
            [
                new(0, new Seconds(0), 100, 10),
                new(1, new Seconds(0.5), 2000, 1),
                new(2, new Seconds(12.5), 7, 300),
            ];
            Assert.Equal(expected, requests);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Theory]
    [InlineData("arrival_s,input_tokens,output_tokens\n0,100,10\nx\n", "trace.csv line 3: expected 3 comma-separated fields (arrival_s,input_tokens,output_tokens) but found 1")]
    [InlineData("arrival_s,input_tokens,output_tokens\n0,100,10\n1,abc,10\n", "trace.csv line 3: input_tokens 'abc' is not a whole number")]
    [InlineData("arrival_s,input_tokens,output_tokens\n\n0,100,1.5\n", "trace.csv line 3: output_tokens '1.5' is not a whole number")]
    [InlineData("arrival_s,input_tokens,output_tokens\n0,0,10\n", "trace.csv line 2: input_tokens '0' is out of range; use 1 to 100,000,000")]
    [InlineData("arrival_s,input_tokens,output_tokens\n0,99999999999,10\n", "trace.csv line 2: input_tokens '99999999999' is out of range; use 1 to 100,000,000")]
    [InlineData("arrival_s,input_tokens,output_tokens\n0,-5,10\n", "trace.csv line 2: input_tokens '-5' is out of range; use 1 to 100,000,000")]
    [InlineData("arrival_s,input_tokens,output_tokens\n1e308,5,10\n", "trace.csv line 2: arrival_s '1e308' is past 1e+9 s (32 years); give seconds from the start of the trace")]
    [InlineData("arrival_s,input_tokens,output_tokens\n0,1,1\n-1,1,1\n", "trace.csv line 3: arrival_s '-1' is negative")]
    [InlineData("arrival_s,input_tokens,output_tokens\n0,5,5\n0;5,5,5\n", "trace.csv line 3: arrival_s '0;5' is not a number")]
    [InlineData("time,in,out\n0,1,1\n", "trace.csv line 1: expected the header 'arrival_s,input_tokens,output_tokens' but found 'time,in,out'")]
    [InlineData("", "trace.csv line 1: the file is empty; expected the header 'arrival_s,input_tokens,output_tokens'")]
    public void Malformed_trace_names_the_line_and_the_problem(string text, string message)
    {
        var ex = Assert.Throws<TraceFormatException>(() => RequestTrace.Read(new StringReader(text), "trace.csv"));
        Assert.Equal(message, ex.Message);
        Assert.Equal("trace.csv", ex.SourceName);
    }

    [Fact]
    public void Reads_a_file_and_names_it_in_errors()
    {
        string dir = Path.Combine(Path.GetTempPath(), "augur-trace-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string good = Path.Combine(dir, "good.csv");
            File.WriteAllText(good, "arrival_s,input_tokens,output_tokens\r\n0.25,10,20\r\n");
            Assert.Equal([new Request(0, new Seconds(0.25), 10, 20)], RequestTrace.ReadFile(good));

            string bad = Path.Combine(dir, "bad.csv");
            File.WriteAllText(bad, "arrival_s,input_tokens,output_tokens\n0,1,1\n0,1,1\n0,1,1\n0,1,1\n0,1,1\n0,abc,1\n");
            var ex = Assert.Throws<TraceFormatException>(() => RequestTrace.ReadFile(bad));
            Assert.Equal("bad.csv line 7: input_tokens 'abc' is not a whole number", ex.Message);
            Assert.Equal(7, ex.LineNumber);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
