package com.maclogin.cutover.chatfakes;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -cp chat-fakes.jar:... com.maclogin.cutover.chatfakes.ChatFakesMain --slack-port 8091
 * --telegram-port 8092 [--bind 127.0.0.1] [--slack-token xoxb-...] [--telegram-token 123:abc]
 * [--slack-channels C1,C2]}. Runs until SIGTERM / Ctrl-C. Tokens given here are compared, never printed.
 */
public final class ChatFakesMain {

    private ChatFakesMain() {
    }

    public static void main(String[] args) throws Exception {
        int slackPort = 8091;
        int telegramPort = 8092;
        String bind = "127.0.0.1";
        String slackToken = System.getenv("CHAT_FAKES_SLACK_TOKEN");
        String telegramToken = System.getenv("CHAT_FAKES_TELEGRAM_TOKEN");
        String slackChannels = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--slack-port" -> slackPort = Integer.parseInt(require(args[i], value));
                case "--telegram-port" -> telegramPort = Integer.parseInt(require(args[i], value));
                case "--bind" -> bind = require(args[i], value);
                case "--slack-token" -> slackToken = require(args[i], value);
                case "--telegram-token" -> telegramToken = require(args[i], value);
                case "--slack-channels" -> slackChannels = require(args[i], value);
                case "--help", "-h" -> {
                    System.out.println("usage: ChatFakesMain [--slack-port 8091] [--telegram-port 8092] [--bind 127.0.0.1]"
                            + " [--slack-token xoxb-...] [--telegram-token 123:abc] [--slack-channels C1,C2]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        ChatFakes fakes = ChatFakes.start(InetAddress.getByName(bind), slackPort, telegramPort);
        if (slackToken != null && !slackToken.isBlank()) {
            fakes.requireSlackToken(slackToken);
        }
        if (telegramToken != null && !telegramToken.isBlank()) {
            fakes.requireTelegramToken(telegramToken);
        }
        if (slackChannels != null) {
            fakes.slackChannels(Arrays.asList(slackChannels.split(",")));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            fakes.close();
            stopped.countDown();
        }, "chat-fakes-shutdown"));
        System.out.println("chat-fakes: slack " + fakes.slackBaseUrl() + "/api/chat.postMessage, telegram "
                + fakes.telegramBaseUrl() + "/bot<token>/sendMessage, recording API GET /_recorded on both");
        stopped.await();
    }

    private static String require(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
