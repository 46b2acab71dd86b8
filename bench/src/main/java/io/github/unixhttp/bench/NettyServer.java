package io.github.unixhttp.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The outside reference for non-blocking servers: a plain Netty epoll domain-socket HTTP/1.1 server answering the
 * same 13 bytes, one event loop per core. {@code NettyServer PATH}; prints "READY".
 */
public final class NettyServer
{
    private NettyServer()
    {
    }

    public static void main(String[] args) throws Exception
    {
        EpollEventLoopGroup boss = new EpollEventLoopGroup(1);
        EpollEventLoopGroup workers = new EpollEventLoopGroup(Runtime.getRuntime().availableProcessors());
        ServerBootstrap bootstrap = new ServerBootstrap()
            .group(boss, workers)
            .channel(EpollServerDomainSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childHandler(new ChannelInitializer<EpollDomainSocketChannel>()
            {
                @Override
                protected void initChannel(EpollDomainSocketChannel channel)
                {
                    channel.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(), new Answer());
                }
            });
        bootstrap.bind(new DomainSocketAddress(args[0])).sync();
        System.out.println("READY");
        System.out.flush();
        Thread.currentThread().join();
    }

    private static final class Answer extends SimpleChannelInboundHandler<HttpObject>
    {
        @Override
        protected void channelRead0(ChannelHandlerContext context, HttpObject message)
        {
            if (message instanceof HttpRequest)
            {
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(BenchServer.BODY));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain").setInt(HttpHeaderNames.CONTENT_LENGTH, BenchServer.BODY.length);
                context.writeAndFlush(response);
            }
        }
    }
}
