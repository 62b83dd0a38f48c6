"""The lab's course pages (perceptron, backprop, CNN explorer, few-shot): one WebSocket, /ws/pages."""
