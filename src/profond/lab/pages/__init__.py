"""The lab's course pages (perceptron, backprop, CNN, few-shot) and their WebSocket, /ws/pages."""
