package io.github.unixhttp.unit.okhttp;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.Bodies;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import retrofit2.Call;
import retrofit2.Callback;
import retrofit2.Response;
import retrofit2.Retrofit;
import retrofit2.converter.scalars.ScalarsConverterFactory;
import retrofit2.http.Body;
import retrofit2.http.GET;
import retrofit2.http.POST;
import retrofit2.http.Query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Retrofit on a client from {@link UnixOkHttpClients}, as its users write it: a base URL of {@code http://localhost/},
 * an interface, calls made synchronously and asynchronously, all served over the socket.
 */
class RetrofitTest
{
    /** The test server's API, as a Retrofit interface. */
    interface TestApi
    {
        @GET("info")
        Call<String> info(@Query("from") String from);

        @POST("digest")
        Call<String> digest(@Body RequestBody body);

        @GET("bytes")
        Call<ResponseBody> bytes(@Query("n") int n);
    }

    @TempDir
    Path tmp;

    @Test
    void retrofitCallsAreServedOverTheSocket() throws Exception
    {
        UnixSocketAddress address = UnixSocketAddress.ofPath(tmp.resolve("api.sock"));
        byte[] upload = Bodies.random(2 * 1024 * 1024);
        try (CountingServer server = CountingServer.start(address))
        {
            OkHttpClient client = UnixOkHttpClients.newClient(address);
            Retrofit retrofit = new Retrofit.Builder().baseUrl("http://localhost/").client(client)
                .addConverterFactory(ScalarsConverterFactory.create()).build();
            TestApi api = retrofit.create(TestApi.class);

            String info = api.info("retrofit").execute().body();
            assertEquals("http://localhost/info?from=retrofit", Bodies.field(info, "uri"));
            assertEquals(Bodies.digestOf(upload),
                api.digest(RequestBody.create(upload, MediaType.get("application/octet-stream"))).execute().body());
            try (ResponseBody bytes = api.bytes(100_000).execute().body())
            {
                assertArrayEquals(Bodies.served(100_000), bytes.bytes());
            }

            CompletableFuture<String> later = new CompletableFuture<>();
            api.info("enqueue").enqueue(new Callback<>()
            {
                @Override
                public void onResponse(Call<String> call, Response<String> response)
                {
                    later.complete(response.body());
                }

                @Override
                public void onFailure(Call<String> call, Throwable failure)
                {
                    later.completeExceptionally(failure);
                }
            });
            assertEquals("http://localhost/info?from=enqueue", Bodies.field(later.get(30, TimeUnit.SECONDS), "uri"));
            assertEquals(4, server.handled());
            assertEquals(1, server.accepted());
            OkHttpClientTest.close(client);
        }
    }
}
